//! The model editor: a product model built in the console, process by process and exchange by exchange.
//!
//! The whole model travels in one form, field names being the model's own paths (`processes[2].factors[0].unit`),
//! so the problems the engine reports land on the fields they name. Adding or removing a process or an exchange
//! posts the form and comes back with the change made and nothing else touched — the draft lives in the form, never
//! on the server — and only "save" checks the model and stores it as the next immutable version. A refused save
//! shows every problem with its path, message and hint, next to the form that still holds everything typed.
//!
//! What the form does not edit (uncertainty distributions, extra outputs, allocation choices) rides along in hidden
//! JSON fields and is saved unchanged.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tanji_footprint::{
    AllocationChoice, CutOffRule, DataKind, DataQuality, DeclaredUnit, Emission, Exemption, FactorUse, Origin, Output,
    ProcessModel, ProductInfo, ProductInput, ProductModel, RecyclingOutput, Stage, SupplierFootprint, TransportLeg,
    figure,
};
use tanji_ghg::FactorCategory;
use tanji_store::{Product, StoreError};
use tanji_tenancy::Permission;

use super::super::error_page::ErrorPage;
use super::super::forms::Outcome;
use super::super::frame::{Frame, Section, render};
use super::super::inventory::Choice;
use super::{ProblemView, form_errors, in_language, is_chinese, problem_views, stage_name};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// How a supplier footprint built from one of the organisation's own footprints names its source.
pub const OWN_FOOTPRINT_SOURCE: &str = "tanji footprint ";

/// The exchange kinds of a process, as named in paths and operations.
const KINDS: [&str; 5] = ["inputs", "factors", "transport", "emissions", "to_recycling"];

/// A form field: its name (the model path), the value as typed, and whether a problem names it.
#[derive(Clone, Debug, Default)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub invalid: bool,
    pub focus: bool,
}

impl Field {
    fn of(value: impl Into<String>) -> Self {
        Self { value: value.into(), ..Self::default() }
    }

    pub fn is(&self, value: &str) -> bool {
        self.value == value
    }
}

fn number_field(value: f64) -> Field {
    Field::of(figure_exact(value))
}

/// A number as typed back into a form: the shortest text that reads back as the same `f64`.
fn figure_exact(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('e') {
        format!("{value:.12}").trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn json_field<T: Serialize>(value: &T) -> Field {
    Field::of(serde_json::to_string(value).unwrap_or_default())
}

fn optional_json_field<T: Serialize>(value: Option<&T>) -> Field {
    value.map(json_field).unwrap_or_default()
}

/// An uncertainty kept in a hidden field, in words: "normal, sd 40".
fn uncertainty_text(field: &Field) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&field.value) else { return String::new() };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
    let parameters = map
        .iter()
        .filter(|(key, _)| *key != "kind")
        .map(|(key, value)| format!("{key} {}", value.as_f64().map(figure).unwrap_or_else(|| value.to_string())))
        .collect::<Vec<_>>();
    if parameters.is_empty() { kind } else { format!("{kind}, {}", parameters.join(", ")) }
}

/// An input: another process's product or a supplier footprint.
#[derive(Clone, Debug, Default)]
pub struct InputDraft {
    pub path: String,
    pub product: Field,
    pub amount: Field,
    pub unit: Field,
    pub note: Field,
    pub uncertainty: Field,
    pub problems: Vec<ProblemView>,
}

/// An amount of activity times a library factor.
#[derive(Clone, Debug, Default)]
pub struct FactorDraft {
    pub path: String,
    pub factor: Field,
    pub amount: Field,
    pub unit: Field,
    pub note: Field,
    pub uncertainty: Field,
    /// The measured origin of the amount (a line's meters), riding along hidden; dropped when the amount is retyped.
    pub measured: Field,
    pub problems: Vec<ProblemView>,
}

/// A freight leg.
#[derive(Clone, Debug, Default)]
pub struct TransportDraft {
    pub path: String,
    pub factor: Field,
    pub mass_kg: Field,
    pub distance_km: Field,
    pub note: Field,
    pub uncertainty: Field,
    pub problems: Vec<ProblemView>,
}

/// A gas released or taken up by the process itself.
#[derive(Clone, Debug, Default)]
pub struct EmissionDraft {
    pub path: String,
    pub gas: Field,
    pub origin: Field,
    pub kg: Field,
    pub note: Field,
    pub uncertainty: Field,
    pub problems: Vec<ProblemView>,
}

/// Material sent to recycling.
#[derive(Clone, Debug, Default)]
pub struct RecyclingDraft {
    pub path: String,
    pub material: Field,
    pub kg: Field,
    pub problems: Vec<ProblemView>,
}

/// What a process keeps that the form does not edit.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProcessRest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extra_outputs: Vec<Output>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mass_kg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    energy_mj: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revenue: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    allocation: Option<AllocationChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subdivided_from: Option<String>,
}

impl ProcessRest {
    fn is_empty(&self) -> bool {
        self.extra_outputs.is_empty()
            && self.mass_kg.is_none()
            && self.energy_mj.is_none()
            && self.revenue.is_none()
            && self.allocation.is_none()
            && self.subdivided_from.is_none()
    }
}

/// A process as typed.
#[derive(Clone, Debug, Default)]
pub struct ProcessDraft {
    pub path: String,
    pub id: Field,
    pub name_zh: Field,
    pub name_en: Field,
    pub stage: Field,
    pub data: Field,
    pub technological: Field,
    pub temporal: Field,
    pub geographical: Field,
    pub completeness: Field,
    pub reliability: Field,
    pub output_product: Field,
    pub output_amount: Field,
    pub output_unit: Field,
    pub rest: Field,
    pub inputs: Vec<InputDraft>,
    pub factors: Vec<FactorDraft>,
    pub transport: Vec<TransportDraft>,
    pub emissions: Vec<EmissionDraft>,
    pub recycling: Vec<RecyclingDraft>,
    pub problems: Vec<ProblemView>,
}

impl ProcessDraft {
    /// Extra outputs or an allocation choice the form keeps unchanged, in words.
    pub fn rest_text(&self, t: &Text) -> String {
        let Ok(rest) = serde_json::from_str::<ProcessRest>(&self.rest.value) else { return String::new() };
        let mut parts: Vec<String> = rest
            .extra_outputs
            .iter()
            .map(|output| format!("+ {} {} {}", figure(output.amount), output.unit, output.product))
            .collect();
        if let Some(allocation) = &rest.allocation {
            let method = match allocation.method {
                Some(method) => tanji_i18n::footprint::allocation_method(method.key(), t.language),
                None => t.fp_allocation_hierarchy.to_owned(),
            };
            parts.push(format!("{}{}{method}", t.fp_allocation, t.separator));
        }
        if let Some(parent) = &rest.subdivided_from {
            parts.push(tanji_i18n::footprint::subdivided_from(parent, t.language));
        }
        parts.join(" · ")
    }

    fn blank(index: usize) -> Self {
        let id = format!("process-{}", index + 1);
        Self {
            id: Field::of(&id),
            stage: Field::of(Stage::Production.key()),
            data: Field::of("primary"),
            output_product: Field::of(&id),
            output_amount: Field::of("1"),
            output_unit: Field::of("unit"),
            ..Self::default()
        }
    }
}

/// An exempted item.
#[derive(Clone, Debug, Default)]
pub struct ExemptionDraft {
    pub path: String,
    pub name: Field,
    pub stage: Field,
    pub estimate_kg_co2e: Field,
    pub reason: Field,
    pub problems: Vec<ProblemView>,
}

/// A supplier footprint: a product footprint received from a supplier (or one of the organisation's own), per unit.
#[derive(Clone, Debug, Default)]
pub struct SupplierDraft {
    pub path: String,
    pub id: Field,
    pub name_zh: Field,
    pub name_en: Field,
    pub supplier: Field,
    pub unit: Field,
    pub fossil: Field,
    pub biogenic_emissions: Field,
    pub biogenic_removals: Field,
    pub land_use_change: Field,
    pub data: Field,
    pub technological: Field,
    pub temporal: Field,
    pub geographical: Field,
    pub completeness: Field,
    pub reliability: Field,
    pub source: Field,
    pub uncertainty: Field,
    pub problems: Vec<ProblemView>,
}

impl SupplierDraft {
    fn of(supplier: &SupplierFootprint) -> Self {
        let rating = |value: Option<u8>| value.map(|value| Field::of(value.to_string())).unwrap_or_default();
        let quality = supplier.quality;
        Self {
            id: Field::of(&supplier.id),
            name_zh: Field::of(&supplier.name_zh),
            name_en: Field::of(&supplier.name_en),
            supplier: Field::of(&supplier.supplier),
            unit: Field::of(&supplier.unit),
            fossil: number_field(supplier.fossil_kg_co2e),
            biogenic_emissions: number_field(supplier.biogenic_emissions_kg_co2e),
            biogenic_removals: number_field(supplier.biogenic_removals_kg_co2e),
            land_use_change: number_field(supplier.land_use_change_kg_co2e),
            data: Field::of(match supplier.data {
                DataKind::Primary => "primary",
                DataKind::Secondary => "secondary",
            }),
            technological: rating(quality.map(|quality| quality.technological)),
            temporal: rating(quality.map(|quality| quality.temporal)),
            geographical: rating(quality.map(|quality| quality.geographical)),
            completeness: rating(quality.and_then(|quality| quality.completeness)),
            reliability: rating(quality.and_then(|quality| quality.reliability)),
            source: Field::of(&supplier.source),
            uncertainty: optional_json_field(supplier.uncertainty.as_ref()),
            ..Self::default()
        }
    }

    fn blank() -> Self {
        Self {
            unit: Field::of("kg"),
            biogenic_emissions: Field::of("0"),
            biogenic_removals: Field::of("0"),
            land_use_change: Field::of("0"),
            data: Field::of("secondary"),
            ..Self::default()
        }
    }

    /// The footprint a supplier footprint built from one of the organisation's own footprints came from.
    pub fn footprint_id(&self) -> String {
        super::own_footprint_source(self.source.value.trim()).unwrap_or_default()
    }
}

/// The whole model as typed.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub base_version: String,
    pub note: Field,
    pub gwp: Field,
    pub reference_process: Field,
    pub name_zh: Field,
    pub name_en: Field,
    pub unit_amount: Field,
    pub unit_symbol: Field,
    pub unit_name_zh: Field,
    pub unit_name_en: Field,
    pub mass_kg: Field,
    pub period_start: Field,
    pub period_end: Field,
    pub geography: Field,
    pub max_exempted_percent: Field,
    pub tree_threshold_percent: Field,
    pub processes: Vec<ProcessDraft>,
    pub suppliers: Vec<SupplierDraft>,
    pub exemptions: Vec<ExemptionDraft>,
}

impl Draft {
    /// A first model for a product that has none: one production process making the product.
    fn blank(product: &Product, year: i16) -> Self {
        let mut draft = Self {
            gwp: Field::of("AR6"),
            reference_process: Field::of("process-1"),
            name_zh: Field::of(&product.name_zh),
            name_en: Field::of(&product.name_en),
            unit_amount: Field::of("1"),
            unit_symbol: Field::of("unit"),
            unit_name_zh: Field::of("每件"),
            unit_name_en: Field::of("per piece"),
            period_start: Field::of(format!("{year}-01-01")),
            period_end: Field::of(format!("{year}-12-31")),
            geography: Field::of("CN"),
            max_exempted_percent: Field::of("5"),
            tree_threshold_percent: Field::of("1"),
            processes: vec![ProcessDraft::blank(0)],
            ..Self::default()
        };
        draft.renumber();
        draft
    }

    fn from_model(model: &ProductModel, version: i64) -> Self {
        let product = &model.product;
        let mut draft = Self {
            base_version: version.to_string(),
            note: Field::default(),
            gwp: Field::of(&model.gwp),
            reference_process: Field::of(&model.reference_process),
            name_zh: Field::of(&product.name_zh),
            name_en: Field::of(&product.name_en),
            unit_amount: number_field(product.declared_unit.amount),
            unit_symbol: Field::of(&product.declared_unit.unit),
            unit_name_zh: Field::of(&product.declared_unit.name_zh),
            unit_name_en: Field::of(&product.declared_unit.name_en),
            mass_kg: number_field(product.mass_per_declared_unit_kg),
            period_start: Field::of(&product.reference_period_start),
            period_end: Field::of(&product.reference_period_end),
            geography: Field::of(&product.geography),
            max_exempted_percent: number_field(model.cut_off.max_exempted_percent),
            tree_threshold_percent: number_field(model.cut_off.tree_threshold_percent),
            processes: model.processes.iter().map(process_draft).collect(),
            suppliers: model.supplier_footprints.iter().map(SupplierDraft::of).collect(),
            exemptions: model
                .exempted
                .iter()
                .map(|item| ExemptionDraft {
                    name: Field::of(&item.name),
                    stage: Field::of(item.stage.key()),
                    estimate_kg_co2e: number_field(item.estimate_kg_co2e),
                    reason: Field::of(&item.reason),
                    ..ExemptionDraft::default()
                })
                .collect(),
        };
        draft.renumber();
        draft
    }

    /// The draft a posted form holds. Rows are found by their first field, index by index.
    fn from_form(pairs: &[(String, String)]) -> Self {
        let form: HashMap<&str, &str> = pairs.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
        let get = |key: &str| Field::of(form.get(key).copied().unwrap_or_default());
        let has = |key: &str| form.contains_key(key);
        let mut processes = Vec::new();
        for process_idx in 0.. {
            let path = format!("processes[{process_idx}]");
            if !has(&format!("{path}.id")) {
                break;
            }
            let at = |suffix: &str| get(&format!("{path}.{suffix}"));
            let rows = |kind: &str, first: &str| -> Vec<usize> {
                (0..).take_while(|row_idx| has(&format!("{path}.{kind}[{row_idx}].{first}"))).collect()
            };
            let row = |kind: &str, row_idx: usize, field: &str| get(&format!("{path}.{kind}[{row_idx}].{field}"));
            processes.push(ProcessDraft {
                id: at("id"),
                name_zh: at("name_zh"),
                name_en: at("name_en"),
                stage: at("stage"),
                data: at("data"),
                technological: at("quality.technological"),
                temporal: at("quality.temporal"),
                geographical: at("quality.geographical"),
                completeness: at("quality.completeness"),
                reliability: at("quality.reliability"),
                output_product: at("outputs[0].product"),
                output_amount: at("outputs[0].amount"),
                output_unit: at("outputs[0].unit"),
                rest: at("rest"),
                inputs: rows("inputs", "product")
                    .into_iter()
                    .map(|idx| InputDraft {
                        product: row("inputs", idx, "product"),
                        amount: row("inputs", idx, "amount"),
                        unit: row("inputs", idx, "unit"),
                        note: row("inputs", idx, "note"),
                        uncertainty: row("inputs", idx, "uncertainty"),
                        ..InputDraft::default()
                    })
                    .collect(),
                factors: rows("factors", "factor")
                    .into_iter()
                    .map(|idx| FactorDraft {
                        factor: row("factors", idx, "factor"),
                        amount: row("factors", idx, "amount"),
                        unit: row("factors", idx, "unit"),
                        note: row("factors", idx, "note"),
                        uncertainty: row("factors", idx, "uncertainty"),
                        measured: row("factors", idx, "measured"),
                        ..FactorDraft::default()
                    })
                    .collect(),
                transport: rows("transport", "factor")
                    .into_iter()
                    .map(|idx| TransportDraft {
                        factor: row("transport", idx, "factor"),
                        mass_kg: row("transport", idx, "mass_kg"),
                        distance_km: row("transport", idx, "distance_km"),
                        note: row("transport", idx, "note"),
                        uncertainty: row("transport", idx, "uncertainty"),
                        ..TransportDraft::default()
                    })
                    .collect(),
                emissions: rows("emissions", "gas")
                    .into_iter()
                    .map(|idx| EmissionDraft {
                        gas: row("emissions", idx, "gas"),
                        origin: row("emissions", idx, "origin"),
                        kg: row("emissions", idx, "kg"),
                        note: row("emissions", idx, "note"),
                        uncertainty: row("emissions", idx, "uncertainty"),
                        ..EmissionDraft::default()
                    })
                    .collect(),
                recycling: rows("to_recycling", "material")
                    .into_iter()
                    .map(|idx| RecyclingDraft {
                        material: row("to_recycling", idx, "material"),
                        kg: row("to_recycling", idx, "kg"),
                        ..RecyclingDraft::default()
                    })
                    .collect(),
                ..ProcessDraft::default()
            });
        }
        let suppliers = (0..)
            .take_while(|idx| has(&format!("supplier_footprints[{idx}].id")))
            .map(|idx| {
                let at = |suffix: &str| get(&format!("supplier_footprints[{idx}].{suffix}"));
                SupplierDraft {
                    id: at("id"),
                    name_zh: at("name_zh"),
                    name_en: at("name_en"),
                    supplier: at("supplier"),
                    unit: at("unit"),
                    fossil: at("fossil_kg_co2e"),
                    biogenic_emissions: at("biogenic_emissions_kg_co2e"),
                    biogenic_removals: at("biogenic_removals_kg_co2e"),
                    land_use_change: at("land_use_change_kg_co2e"),
                    data: at("data"),
                    technological: at("quality.technological"),
                    temporal: at("quality.temporal"),
                    geographical: at("quality.geographical"),
                    completeness: at("quality.completeness"),
                    reliability: at("quality.reliability"),
                    source: at("source"),
                    uncertainty: at("uncertainty"),
                    ..SupplierDraft::default()
                }
            })
            .collect();
        let exemptions = (0..)
            .take_while(|idx| has(&format!("exempted[{idx}].name")))
            .map(|idx| ExemptionDraft {
                name: get(&format!("exempted[{idx}].name")),
                stage: get(&format!("exempted[{idx}].stage")),
                estimate_kg_co2e: get(&format!("exempted[{idx}].estimate_kg_co2e")),
                reason: get(&format!("exempted[{idx}].reason")),
                ..ExemptionDraft::default()
            })
            .collect();
        let mut draft = Self {
            base_version: form.get("base_version").copied().unwrap_or_default().to_owned(),
            note: get("note"),
            gwp: get("gwp"),
            reference_process: get("reference_process"),
            name_zh: get("product.name_zh"),
            name_en: get("product.name_en"),
            unit_amount: get("product.declared_unit.amount"),
            unit_symbol: get("product.declared_unit.unit"),
            unit_name_zh: get("product.declared_unit.name_zh"),
            unit_name_en: get("product.declared_unit.name_en"),
            mass_kg: get("product.mass_per_declared_unit_kg"),
            period_start: get("product.reference_period_start"),
            period_end: get("product.reference_period_end"),
            geography: get("product.geography"),
            max_exempted_percent: get("cut_off.max_exempted_percent"),
            tree_threshold_percent: get("cut_off.tree_threshold_percent"),
            processes,
            suppliers,
            exemptions,
        };
        draft.renumber();
        draft
    }

    /// Names every field after its place in the model, after rows were added or removed.
    fn renumber(&mut self) {
        for (field, name) in [
            (&mut self.note, "note"),
            (&mut self.gwp, "gwp"),
            (&mut self.reference_process, "reference_process"),
            (&mut self.name_zh, "product.name_zh"),
            (&mut self.name_en, "product.name_en"),
            (&mut self.unit_amount, "product.declared_unit.amount"),
            (&mut self.unit_symbol, "product.declared_unit.unit"),
            (&mut self.unit_name_zh, "product.declared_unit.name_zh"),
            (&mut self.unit_name_en, "product.declared_unit.name_en"),
            (&mut self.mass_kg, "product.mass_per_declared_unit_kg"),
            (&mut self.period_start, "product.reference_period_start"),
            (&mut self.period_end, "product.reference_period_end"),
            (&mut self.geography, "product.geography"),
            (&mut self.max_exempted_percent, "cut_off.max_exempted_percent"),
            (&mut self.tree_threshold_percent, "cut_off.tree_threshold_percent"),
        ] {
            field.name = name.to_owned();
        }
        let name = |field: &mut Field, path: &str, suffix: &str| field.name = format!("{path}.{suffix}");
        for (process_idx, process) in self.processes.iter_mut().enumerate() {
            let path = format!("processes[{process_idx}]");
            for (field, suffix) in [
                (&mut process.id, "id"),
                (&mut process.name_zh, "name_zh"),
                (&mut process.name_en, "name_en"),
                (&mut process.stage, "stage"),
                (&mut process.data, "data"),
                (&mut process.technological, "quality.technological"),
                (&mut process.temporal, "quality.temporal"),
                (&mut process.geographical, "quality.geographical"),
                (&mut process.completeness, "quality.completeness"),
                (&mut process.reliability, "quality.reliability"),
                (&mut process.output_product, "outputs[0].product"),
                (&mut process.output_amount, "outputs[0].amount"),
                (&mut process.output_unit, "outputs[0].unit"),
                (&mut process.rest, "rest"),
            ] {
                name(field, &path, suffix);
            }
            for (idx, row) in process.inputs.iter_mut().enumerate() {
                row.path = format!("{path}.inputs[{idx}]");
                for (field, suffix) in [
                    (&mut row.product, "product"),
                    (&mut row.amount, "amount"),
                    (&mut row.unit, "unit"),
                    (&mut row.note, "note"),
                    (&mut row.uncertainty, "uncertainty"),
                ] {
                    name(field, &row.path, suffix);
                }
            }
            for (idx, row) in process.factors.iter_mut().enumerate() {
                row.path = format!("{path}.factors[{idx}]");
                for (field, suffix) in [
                    (&mut row.factor, "factor"),
                    (&mut row.amount, "amount"),
                    (&mut row.unit, "unit"),
                    (&mut row.note, "note"),
                    (&mut row.uncertainty, "uncertainty"),
                    (&mut row.measured, "measured"),
                ] {
                    name(field, &row.path, suffix);
                }
            }
            for (idx, row) in process.transport.iter_mut().enumerate() {
                row.path = format!("{path}.transport[{idx}]");
                for (field, suffix) in [
                    (&mut row.factor, "factor"),
                    (&mut row.mass_kg, "mass_kg"),
                    (&mut row.distance_km, "distance_km"),
                    (&mut row.note, "note"),
                    (&mut row.uncertainty, "uncertainty"),
                ] {
                    name(field, &row.path, suffix);
                }
            }
            for (idx, row) in process.emissions.iter_mut().enumerate() {
                row.path = format!("{path}.emissions[{idx}]");
                for (field, suffix) in [
                    (&mut row.gas, "gas"),
                    (&mut row.origin, "origin"),
                    (&mut row.kg, "kg"),
                    (&mut row.note, "note"),
                    (&mut row.uncertainty, "uncertainty"),
                ] {
                    name(field, &row.path, suffix);
                }
            }
            for (idx, row) in process.recycling.iter_mut().enumerate() {
                row.path = format!("{path}.to_recycling[{idx}]");
                name(&mut row.material, &row.path, "material");
                name(&mut row.kg, &row.path, "kg");
            }
            process.path = path;
        }
        for (idx, supplier) in self.suppliers.iter_mut().enumerate() {
            supplier.path = format!("supplier_footprints[{idx}]");
            for (field, suffix) in [
                (&mut supplier.id, "id"),
                (&mut supplier.name_zh, "name_zh"),
                (&mut supplier.name_en, "name_en"),
                (&mut supplier.supplier, "supplier"),
                (&mut supplier.unit, "unit"),
                (&mut supplier.fossil, "fossil_kg_co2e"),
                (&mut supplier.biogenic_emissions, "biogenic_emissions_kg_co2e"),
                (&mut supplier.biogenic_removals, "biogenic_removals_kg_co2e"),
                (&mut supplier.land_use_change, "land_use_change_kg_co2e"),
                (&mut supplier.data, "data"),
                (&mut supplier.technological, "quality.technological"),
                (&mut supplier.temporal, "quality.temporal"),
                (&mut supplier.geographical, "quality.geographical"),
                (&mut supplier.completeness, "quality.completeness"),
                (&mut supplier.reliability, "quality.reliability"),
                (&mut supplier.source, "source"),
                (&mut supplier.uncertainty, "uncertainty"),
            ] {
                name(field, &supplier.path, suffix);
            }
        }
        for (idx, item) in self.exemptions.iter_mut().enumerate() {
            item.path = format!("exempted[{idx}]");
            for (field, suffix) in [
                (&mut item.name, "name"),
                (&mut item.stage, "stage"),
                (&mut item.estimate_kg_co2e, "estimate_kg_co2e"),
                (&mut item.reason, "reason"),
            ] {
                name(field, &item.path, suffix);
            }
        }
    }

    /// Every field of the draft, for marking and focusing.
    fn fields_mut(&mut self) -> Vec<&mut Field> {
        let mut fields: Vec<&mut Field> = vec![
            &mut self.note,
            &mut self.gwp,
            &mut self.reference_process,
            &mut self.name_zh,
            &mut self.name_en,
            &mut self.unit_amount,
            &mut self.unit_symbol,
            &mut self.unit_name_zh,
            &mut self.unit_name_en,
            &mut self.mass_kg,
            &mut self.period_start,
            &mut self.period_end,
            &mut self.geography,
            &mut self.max_exempted_percent,
            &mut self.tree_threshold_percent,
        ];
        for process in &mut self.processes {
            fields.extend([
                &mut process.id,
                &mut process.name_zh,
                &mut process.name_en,
                &mut process.stage,
                &mut process.data,
                &mut process.technological,
                &mut process.temporal,
                &mut process.geographical,
                &mut process.completeness,
                &mut process.reliability,
                &mut process.output_product,
                &mut process.output_amount,
                &mut process.output_unit,
            ]);
            for row in &mut process.inputs {
                fields.extend([&mut row.product, &mut row.amount, &mut row.unit, &mut row.note]);
            }
            for row in &mut process.factors {
                fields.extend([&mut row.factor, &mut row.amount, &mut row.unit, &mut row.note]);
            }
            for row in &mut process.transport {
                fields.extend([&mut row.factor, &mut row.mass_kg, &mut row.distance_km, &mut row.note]);
            }
            for row in &mut process.emissions {
                fields.extend([&mut row.gas, &mut row.origin, &mut row.kg, &mut row.note]);
            }
            for row in &mut process.recycling {
                fields.extend([&mut row.material, &mut row.kg]);
            }
        }
        for supplier in &mut self.suppliers {
            fields.extend([
                &mut supplier.id,
                &mut supplier.name_zh,
                &mut supplier.name_en,
                &mut supplier.supplier,
                &mut supplier.unit,
                &mut supplier.fossil,
                &mut supplier.biogenic_emissions,
                &mut supplier.biogenic_removals,
                &mut supplier.land_use_change,
                &mut supplier.data,
                &mut supplier.technological,
                &mut supplier.temporal,
                &mut supplier.geographical,
                &mut supplier.completeness,
                &mut supplier.reliability,
                &mut supplier.source,
            ]);
        }
        for item in &mut self.exemptions {
            fields.extend([&mut item.name, &mut item.stage, &mut item.estimate_kg_co2e, &mut item.reason]);
        }
        fields
    }

    /// Marks the fields and rows the problems name. A problem naming a row (or a field the form does not show, such
    /// as a transport leg's unit) is listed on its row; one naming a field also marks that field.
    fn attach(&mut self, problems: &[ProblemView]) {
        for field in self.fields_mut() {
            field.invalid = problems.iter().any(|problem| names(&problem.path, &field.name));
        }
        let collect =
            |path: &str| problems.iter().filter(|problem| names(&problem.path, path)).cloned().collect::<Vec<_>>();
        for process in &mut self.processes {
            let row_paths: Vec<String> = KINDS.iter().map(|kind| format!("{}.{kind}[", process.path)).collect();
            process.problems = problems
                .iter()
                .filter(|problem| names(&problem.path, &process.path))
                .filter(|problem| !row_paths.iter().any(|row| problem.path.starts_with(row.as_str())))
                .cloned()
                .collect();
            for row in &mut process.inputs {
                row.problems = collect(&row.path);
            }
            for row in &mut process.factors {
                row.problems = collect(&row.path);
            }
            for row in &mut process.transport {
                row.problems = collect(&row.path);
            }
            for row in &mut process.emissions {
                row.problems = collect(&row.path);
            }
            for row in &mut process.recycling {
                row.problems = collect(&row.path);
            }
        }
        for supplier in &mut self.suppliers {
            supplier.problems = collect(&supplier.path);
        }
        for item in &mut self.exemptions {
            item.problems = collect(&item.path);
        }
    }

    /// Puts the cursor on the first field named `name` (a new row's first field).
    fn focus(&mut self, name: &str) {
        if let Some(field) = self.fields_mut().into_iter().find(|field| field.name == name) {
            field.focus = true;
        }
    }

    /// The product ids inputs may name: the processes' outputs and the supplier footprints.
    pub fn product_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.processes.iter().map(|process| process.output_product.value.clone()).collect();
        ids.extend(self.suppliers.iter().map(|supplier| supplier.id.value.trim().to_owned()));
        ids.retain(|id| !id.trim().is_empty());
        ids.dedup();
        ids
    }

    pub fn process_ids(&self) -> Vec<String> {
        self.processes.iter().map(|process| process.id.value.clone()).filter(|id| !id.trim().is_empty()).collect()
    }

    /// The model the draft describes, and every problem of reading it (numbers that are not numbers and the like;
    /// those read as zero). Whether the model makes sense is the engine's to say.
    fn to_model(&self, t: &'static Text, sku: &str) -> (ProductModel, tanji_footprint::Problems) {
        let mut reader = Reader { t, problems: tanji_footprint::Problems::default() };
        let processes = self
            .processes
            .iter()
            .map(|process| {
                let rest: ProcessRest = reader.json_or_default(&process.rest);
                let quality = reader.quality([
                    &process.technological,
                    &process.temporal,
                    &process.geographical,
                    &process.completeness,
                    &process.reliability,
                ]);
                let mut outputs = vec![Output {
                    product: process.output_product.value.trim().to_owned(),
                    amount: reader.number(&process.output_amount),
                    unit: process.output_unit.value.trim().to_owned(),
                    mass_kg: rest.mass_kg,
                    energy_mj: rest.energy_mj,
                    revenue: rest.revenue,
                }];
                outputs.extend(rest.extra_outputs);
                ProcessModel {
                    id: process.id.value.trim().to_owned(),
                    name_zh: process.name_zh.value.trim().to_owned(),
                    name_en: process.name_en.value.trim().to_owned(),
                    stage: reader.stage(&process.stage),
                    data: if process.data.is("primary") { DataKind::Primary } else { DataKind::Secondary },
                    quality,
                    outputs,
                    allocation: rest.allocation,
                    subdivided_from: rest.subdivided_from,
                    inputs: process
                        .inputs
                        .iter()
                        .map(|row| ProductInput {
                            product: row.product.value.trim().to_owned(),
                            amount: reader.number(&row.amount),
                            unit: row.unit.value.trim().to_owned(),
                            uncertainty: reader.json_or_default(&row.uncertainty),
                            note: row.note.value.trim().to_owned(),
                        })
                        .collect(),
                    factors: process
                        .factors
                        .iter()
                        .map(|row| {
                            let amount = reader.number(&row.amount);
                            // A measured amount stays measured only while it is the amount the meters gave.
                            let measured = serde_json::from_str::<tanji_footprint::MeasuredAmount>(&row.measured.value)
                                .ok()
                                .filter(|measured| {
                                    let expected = measured.kwh_per_unit * measured.per_run_units;
                                    (amount - expected).abs() <= 1e-9 * expected.abs().max(1e-12)
                                });
                            FactorUse {
                                factor: row.factor.value.trim().to_owned(),
                                amount,
                                unit: row.unit.value.trim().to_owned(),
                                uncertainty: reader.json_or_default(&row.uncertainty),
                                note: row.note.value.trim().to_owned(),
                                measured,
                            }
                        })
                        .collect(),
                    transport: process
                        .transport
                        .iter()
                        .map(|row| TransportLeg {
                            factor: row.factor.value.trim().to_owned(),
                            mass_kg: reader.number(&row.mass_kg),
                            distance_km: reader.number(&row.distance_km),
                            uncertainty: reader.json_or_default(&row.uncertainty),
                            note: row.note.value.trim().to_owned(),
                        })
                        .collect(),
                    emissions: process
                        .emissions
                        .iter()
                        .map(|row| Emission {
                            gas: row.gas.value.trim().to_owned(),
                            origin: match row.origin.value.as_str() {
                                "biogenic" => Origin::Biogenic,
                                "land_use_change" => Origin::LandUseChange,
                                _ => Origin::Fossil,
                            },
                            kg: reader.number(&row.kg),
                            uncertainty: reader.json_or_default(&row.uncertainty),
                            note: row.note.value.trim().to_owned(),
                        })
                        .collect(),
                    to_recycling: process
                        .recycling
                        .iter()
                        .map(|row| RecyclingOutput {
                            material: row.material.value.trim().to_owned(),
                            kg: reader.number(&row.kg),
                        })
                        .collect(),
                }
            })
            .collect();
        let model = ProductModel {
            product: ProductInfo {
                sku: sku.to_owned(),
                name_zh: self.name_zh.value.trim().to_owned(),
                name_en: self.name_en.value.trim().to_owned(),
                declared_unit: DeclaredUnit {
                    amount: reader.number(&self.unit_amount),
                    unit: self.unit_symbol.value.trim().to_owned(),
                    name_zh: self.unit_name_zh.value.trim().to_owned(),
                    name_en: self.unit_name_en.value.trim().to_owned(),
                },
                mass_per_declared_unit_kg: reader.number(&self.mass_kg),
                reference_period_start: self.period_start.value.trim().to_owned(),
                reference_period_end: self.period_end.value.trim().to_owned(),
                geography: self.geography.value.trim().to_owned(),
            },
            gwp: self.gwp.value.trim().to_owned(),
            reference_process: self.reference_process.value.trim().to_owned(),
            cut_off: CutOffRule {
                max_exempted_percent: reader.number(&self.max_exempted_percent),
                tree_threshold_percent: reader.number(&self.tree_threshold_percent),
            },
            processes,
            supplier_footprints: self
                .suppliers
                .iter()
                .map(|row| SupplierFootprint {
                    id: row.id.value.trim().to_owned(),
                    name_zh: row.name_zh.value.trim().to_owned(),
                    name_en: row.name_en.value.trim().to_owned(),
                    supplier: row.supplier.value.trim().to_owned(),
                    unit: row.unit.value.trim().to_owned(),
                    fossil_kg_co2e: reader.number(&row.fossil),
                    biogenic_emissions_kg_co2e: reader.number(&row.biogenic_emissions),
                    biogenic_removals_kg_co2e: reader.number(&row.biogenic_removals),
                    land_use_change_kg_co2e: reader.number(&row.land_use_change),
                    data: if row.data.is("primary") { DataKind::Primary } else { DataKind::Secondary },
                    quality: reader.quality([
                        &row.technological,
                        &row.temporal,
                        &row.geographical,
                        &row.completeness,
                        &row.reliability,
                    ]),
                    source: row.source.value.trim().to_owned(),
                    uncertainty: reader.json_or_default(&row.uncertainty),
                })
                .collect(),
            exempted: self
                .exemptions
                .iter()
                .map(|item| Exemption {
                    name: item.name.value.trim().to_owned(),
                    stage: reader.stage(&item.stage),
                    estimate_kg_co2e: reader.number(&item.estimate_kg_co2e),
                    reason: item.reason.value.trim().to_owned(),
                })
                .collect(),
        };
        (model, reader.problems)
    }
}

/// Whether a problem at `problem_path` is about `path` or something inside it.
fn names(problem_path: &str, path: &str) -> bool {
    problem_path
        .strip_prefix(path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

fn process_draft(process: &ProcessModel) -> ProcessDraft {
    let first = process.outputs.first();
    let rest = ProcessRest {
        extra_outputs: process.outputs.iter().skip(1).cloned().collect(),
        mass_kg: first.and_then(|output| output.mass_kg),
        energy_mj: first.and_then(|output| output.energy_mj),
        revenue: first.and_then(|output| output.revenue),
        allocation: process.allocation.clone(),
        subdivided_from: process.subdivided_from.clone(),
    };
    let rating = |value: Option<u8>| value.map(|value| Field::of(value.to_string())).unwrap_or_default();
    ProcessDraft {
        id: Field::of(&process.id),
        name_zh: Field::of(&process.name_zh),
        name_en: Field::of(&process.name_en),
        stage: Field::of(process.stage.key()),
        data: Field::of(match process.data {
            DataKind::Primary => "primary",
            DataKind::Secondary => "secondary",
        }),
        technological: rating(process.quality.map(|quality| quality.technological)),
        temporal: rating(process.quality.map(|quality| quality.temporal)),
        geographical: rating(process.quality.map(|quality| quality.geographical)),
        completeness: rating(process.quality.and_then(|quality| quality.completeness)),
        reliability: rating(process.quality.and_then(|quality| quality.reliability)),
        output_product: Field::of(first.map(|output| output.product.clone()).unwrap_or_default()),
        output_amount: first.map(|output| number_field(output.amount)).unwrap_or_default(),
        output_unit: Field::of(first.map(|output| output.unit.clone()).unwrap_or_default()),
        rest: if rest.is_empty() { Field::default() } else { json_field(&rest) },
        inputs: process
            .inputs
            .iter()
            .map(|input| InputDraft {
                product: Field::of(&input.product),
                amount: number_field(input.amount),
                unit: Field::of(&input.unit),
                note: Field::of(&input.note),
                uncertainty: optional_json_field(input.uncertainty.as_ref()),
                ..InputDraft::default()
            })
            .collect(),
        factors: process
            .factors
            .iter()
            .map(|usage| FactorDraft {
                factor: Field::of(&usage.factor),
                amount: number_field(usage.amount),
                unit: Field::of(&usage.unit),
                note: Field::of(&usage.note),
                uncertainty: optional_json_field(usage.uncertainty.as_ref()),
                measured: optional_json_field(usage.measured.as_ref()),
                ..FactorDraft::default()
            })
            .collect(),
        transport: process
            .transport
            .iter()
            .map(|leg| TransportDraft {
                factor: Field::of(&leg.factor),
                mass_kg: number_field(leg.mass_kg),
                distance_km: number_field(leg.distance_km),
                note: Field::of(&leg.note),
                uncertainty: optional_json_field(leg.uncertainty.as_ref()),
                ..TransportDraft::default()
            })
            .collect(),
        emissions: process
            .emissions
            .iter()
            .map(|emission| EmissionDraft {
                gas: Field::of(&emission.gas),
                origin: Field::of(emission.origin.key()),
                kg: number_field(emission.kg),
                note: Field::of(&emission.note),
                uncertainty: optional_json_field(emission.uncertainty.as_ref()),
                ..EmissionDraft::default()
            })
            .collect(),
        recycling: process
            .to_recycling
            .iter()
            .map(|output| RecyclingDraft {
                material: Field::of(&output.material),
                kg: number_field(output.kg),
                ..RecyclingDraft::default()
            })
            .collect(),
        ..ProcessDraft::default()
    }
}

/// Reads typed values, collecting a problem for each that cannot be read.
struct Reader {
    t: &'static Text,
    problems: tanji_footprint::Problems,
}

impl Reader {
    fn problem(&mut self, field: &Field, message: &str, hint: &str) {
        self.problems.push(tanji_footprint::Problem::text(field.name.clone(), message, hint));
    }

    fn number(&mut self, field: &Field) -> f64 {
        let text: String =
            field.value.chars().filter(|character| !matches!(character, ',' | '_' | ' ' | '，')).collect();
        if text.is_empty() {
            self.problem(field, self.t.fp_problem_number_required, self.t.fp_hint_number);
            return 0.0;
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => value,
            _ => {
                let message = self.t.fp_problem_not_a_number.replace("{value}", &field.value);
                self.problem(field, &message, self.t.fp_hint_number);
                0.0
            }
        }
    }

    fn stage(&mut self, field: &Field) -> Stage {
        Stage::parse(&field.value).unwrap_or_else(|| {
            self.problem(field, self.t.fp_problem_stage, self.t.fp_hint_stage);
            Stage::Production
        })
    }

    fn rating(&mut self, field: &Field) -> Option<u8> {
        let text = field.value.trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<u8>() {
            Ok(value) => Some(value),
            Err(_) => {
                self.problem(field, self.t.fp_problem_rating, self.t.fp_hint_rating);
                None
            }
        }
    }

    /// Ratings are optional, but technological, temporal and geographical go together.
    /// The ratings in the order technological, temporal, geographical, completeness, reliability.
    fn quality(&mut self, fields: [&Field; 5]) -> Option<DataQuality> {
        let [technological, temporal, geographical, completeness, reliability] = fields;
        let given = fields.iter().any(|field| !field.value.trim().is_empty());
        if !given {
            return None;
        }
        let mut required = |field: &Field| match self.rating(field) {
            Some(value) => value,
            None => {
                if field.value.trim().is_empty() {
                    self.problem(field, self.t.fp_problem_rating_required, self.t.fp_hint_rating);
                }
                0
            }
        };
        let technological = required(technological);
        let temporal = required(temporal);
        let geographical = required(geographical);
        Some(DataQuality {
            technological,
            temporal,
            geographical,
            completeness: self.rating(completeness),
            reliability: self.rating(reliability),
        })
    }

    fn json_or_default<T: Default + serde::de::DeserializeOwned>(&mut self, field: &Field) -> T {
        if field.value.trim().is_empty() {
            return T::default();
        }
        serde_json::from_str(&field.value).unwrap_or_else(|_| {
            self.problem(field, self.t.fp_problem_unreadable, self.t.fp_hint_remove_and_add);
            T::default()
        })
    }
}

// ── The page ────────────────────────────────────────────────────────────────────────────────────────────────────

/// A factor offered in the editor's lists.
pub struct FactorOption {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "products_editor.html")]
struct EditorPage {
    frame: Frame,
    product_id: String,
    sku: String,
    product_name: String,
    draft: Draft,
    next_version: i64,
    problems: Vec<ProblemView>,
    /// Problems that no row of the form shows (model-wide ones).
    general_problems: Vec<ProblemView>,
    factor_options: Vec<FactorOption>,
    freight_options: Vec<FactorOption>,
    product_choices: Vec<Choice>,
    stage_choices: Vec<(&'static str, &'static str)>,
    gwp_choices: Vec<&'static str>,
}

impl EditorPage {
    pub fn origin_choices(&self) -> [(&'static str, &'static str); 3] {
        let t = self.frame.t;
        [("fossil", t.fp_origin_fossil), ("biogenic", t.fp_origin_biogenic), ("land_use_change", t.fp_origin_luc)]
    }

    pub fn uncertainty(&self, field: &Field) -> String {
        uncertainty_text(field)
    }
}

fn next_year_back(state: &AppState) -> i16 {
    state.store().clock().now().to_zoned(jiff::tz::TimeZone::UTC).year() - 1
}

async fn editor_page(
    state: &AppState,
    console: &Console,
    product: &Product,
    mut draft: Draft,
    problems: Vec<ProblemView>,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let library = match store.factor_library_for(actor).await {
        Ok(library) => library,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let products = match store.products(actor).await {
        Ok(products) => products,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    draft.attach(&problems);
    let shown_on_rows = |problem: &ProblemView| {
        problem.path.starts_with("processes[")
            || problem.path.starts_with("supplier_footprints[")
            || problem.path.starts_with("exempted[")
    };
    let general_problems = problems.iter().filter(|problem| !shown_on_rows(problem)).cloned().collect();
    let chinese = is_chinese(t);
    let mut factor_options = Vec::new();
    let mut freight_options = Vec::new();
    let mut latest: Vec<&tanji_ghg::EmissionFactor> = library
        .iter()
        .filter(|factor| library.latest(&factor.id).map(|latest| latest.version) == Some(factor.version))
        .collect();
    latest.sort_by(|left, right| left.id.cmp(&right.id));
    for factor in latest {
        let option = FactorOption {
            id: factor.id.clone(),
            label: format!("{} · {}", if chinese { &factor.name_zh } else { &factor.name_en }, factor.unit),
        };
        if factor.category == FactorCategory::TransportFreight {
            freight_options.push(FactorOption { id: option.id.clone(), label: option.label.clone() });
        }
        factor_options.push(option);
    }
    let page = EditorPage {
        frame: Frame::console(console, Section::Products, &format!("{} · {}", product.sku, t.fp_edit_model)),
        product_id: product.id.clone(),
        sku: product.sku.clone(),
        product_name: in_language(t, &product.name_zh, &product.name_en),
        next_version: product.latest_model_version.unwrap_or_default() + 1,
        general_problems,
        problems,
        factor_options,
        freight_options,
        product_choices: products
            .iter()
            .filter(|other| other.id != product.id && other.latest_footprint.is_some())
            .map(|other| Choice {
                value: other.id.clone(),
                label: format!("{} · {}", other.sku, in_language(t, &other.name_zh, &other.name_en)),
                selected: false,
            })
            .collect(),
        stage_choices: Stage::ALL.into_iter().map(|stage| (stage.key(), stage_name(t, stage))).collect(),
        gwp_choices: vec!["AR6", "AR5", "AR4", "SAR"],
        draft,
    };
    render(status, &page)
}

/// Where to start editing.
#[derive(Debug, Deserialize)]
pub struct EditQuery {
    from: Option<i64>,
}

/// `GET /console/products/{id}/model?from=N`: the editor, holding version N (default the latest) or, for a product
/// without a model, a first process to start from.
pub async fn edit_model(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(query): Query<EditQuery>,
) -> Response {
    let actor = console.actor();
    if !actor.may(Permission::EditFootprints) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let product = match state.store().product(actor, &id).await {
        Ok(product) => product,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let draft = match (product.latest_model_version, query.from) {
        (_, Some(version)) if version < 1 => return ErrorPage::not_found(&console.web).into_response(),
        (None, None) => Draft::blank(&product, next_year_back(&state)),
        (_, wanted) => match state.store().model_version(actor, &id, wanted).await {
            Ok(version) => Draft::from_model(&version.model, version.version),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        },
    };
    editor_page(&state, &console, &product, draft, Vec::new(), StatusCode::OK).await
}

/// What a posted editor form asks for.
#[derive(Debug, PartialEq, Eq)]
enum Operation {
    Save,
    AddProcess,
    RemoveProcess(usize),
    AddRow { process_idx: usize, kind: &'static str },
    RemoveRow { process_idx: usize, kind: &'static str, row_idx: usize },
    AddProductInput(usize),
    AddSupplier,
    RemoveSupplier(usize),
    AddExemption,
    RemoveExemption(usize),
}

impl Operation {
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let name = parts.next()?;
        let mut index = || parts.next().and_then(|part| part.parse::<usize>().ok());
        let operation = match name {
            "save" => Operation::Save,
            "add_process" => Operation::AddProcess,
            "remove_process" => Operation::RemoveProcess(index()?),
            "add_product_input" => Operation::AddProductInput(index()?),
            "add_supplier" => Operation::AddSupplier,
            "remove_supplier" => Operation::RemoveSupplier(index()?),
            "add_exemption" => Operation::AddExemption,
            "remove_exemption" => Operation::RemoveExemption(index()?),
            "add" | "remove" => {
                let process_idx = index()?;
                let kind_text = parts.next()?;
                let kind = KINDS.into_iter().find(|kind| *kind == kind_text)?;
                if name == "add" {
                    Operation::AddRow { process_idx, kind }
                } else {
                    Operation::RemoveRow { process_idx, kind, row_idx: parts.next()?.parse().ok()? }
                }
            }
            _ => return None,
        };
        Some(operation)
    }
}

/// Applies a structural change to the draft; answers the name of the field to put the cursor in.
fn apply(draft: &mut Draft, operation: &Operation) -> Option<String> {
    match *operation {
        Operation::AddProcess => {
            let index = draft.processes.len();
            draft.processes.push(ProcessDraft::blank(index));
            draft.renumber();
            Some(format!("processes[{index}].id"))
        }
        Operation::RemoveProcess(idx) if idx < draft.processes.len() => {
            draft.processes.remove(idx);
            draft.renumber();
            None
        }
        Operation::AddRow { process_idx, kind } => {
            let process = draft.processes.get_mut(process_idx)?;
            let (row_idx, first) = match kind {
                "inputs" => {
                    process.inputs.push(InputDraft { unit: Field::of("unit"), ..InputDraft::default() });
                    (process.inputs.len() - 1, "product")
                }
                "factors" => {
                    process.factors.push(FactorDraft::default());
                    (process.factors.len() - 1, "factor")
                }
                "transport" => {
                    process.transport.push(TransportDraft::default());
                    (process.transport.len() - 1, "factor")
                }
                "emissions" => {
                    process.emissions.push(EmissionDraft {
                        gas: Field::of("CO2"),
                        origin: Field::of("fossil"),
                        ..EmissionDraft::default()
                    });
                    (process.emissions.len() - 1, "gas")
                }
                _ => {
                    process.recycling.push(RecyclingDraft::default());
                    (process.recycling.len() - 1, "material")
                }
            };
            draft.renumber();
            Some(format!("processes[{process_idx}].{kind}[{row_idx}].{first}"))
        }
        Operation::RemoveRow { process_idx, kind, row_idx } => {
            let process = draft.processes.get_mut(process_idx)?;
            let n_rows = match kind {
                "inputs" => process.inputs.len(),
                "factors" => process.factors.len(),
                "transport" => process.transport.len(),
                "emissions" => process.emissions.len(),
                _ => process.recycling.len(),
            };
            if row_idx >= n_rows {
                return None;
            }
            match kind {
                "inputs" => _ = process.inputs.remove(row_idx),
                "factors" => _ = process.factors.remove(row_idx),
                "transport" => _ = process.transport.remove(row_idx),
                "emissions" => _ = process.emissions.remove(row_idx),
                _ => _ = process.recycling.remove(row_idx),
            }
            draft.renumber();
            None
        }
        Operation::AddSupplier => {
            draft.suppliers.push(SupplierDraft::blank());
            draft.renumber();
            Some(format!("supplier_footprints[{}].id", draft.suppliers.len() - 1))
        }
        Operation::RemoveSupplier(idx) if idx < draft.suppliers.len() => {
            draft.suppliers.remove(idx);
            draft.renumber();
            None
        }
        Operation::AddExemption => {
            draft
                .exemptions
                .push(ExemptionDraft { stage: Field::of(Stage::RawMaterial.key()), ..ExemptionDraft::default() });
            draft.renumber();
            Some(format!("exempted[{}].name", draft.exemptions.len() - 1))
        }
        Operation::RemoveExemption(idx) if idx < draft.exemptions.len() => {
            draft.exemptions.remove(idx);
            draft.renumber();
            None
        }
        _ => None,
    }
}

/// A supplier-footprint entry from another product's footprint: its fossil, biogenic and land-use-change split per
/// unit of the declared unit's symbol, its data kind (primary when most of it is) and rounded data-quality ratings.
fn supplier_from_footprint(
    product: &Product,
    stored: &tanji_store::StoredFootprint,
    organisation: &str,
    taken: &[String],
) -> SupplierFootprint {
    let footprint = &stored.footprint;
    let per = footprint.product.declared_unit.amount.max(f64::MIN_POSITIVE);
    let base = format!("pcf-{}", slug(&product.sku));
    let id = (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base);
    let rating = |value: f64| value.round().clamp(1.0, 5.0) as u8;
    SupplierFootprint {
        id,
        name_zh: product.name_zh.clone(),
        name_en: product.name_en.clone(),
        supplier: organisation.to_owned(),
        unit: footprint.product.declared_unit.unit.clone(),
        fossil_kg_co2e: footprint.fossil_kg_co2e / per,
        biogenic_emissions_kg_co2e: footprint.biogenic_emissions_kg_co2e / per,
        biogenic_removals_kg_co2e: footprint.biogenic_removals_kg_co2e / per,
        land_use_change_kg_co2e: footprint.land_use_change_kg_co2e / per,
        data: if footprint.primary_data_share_percent >= 50.0 { DataKind::Primary } else { DataKind::Secondary },
        quality: footprint.data_quality.as_ref().map(|quality| DataQuality {
            technological: rating(quality.technological),
            temporal: rating(quality.temporal),
            geographical: rating(quality.geographical),
            completeness: None,
            reliability: None,
        }),
        source: format!("{OWN_FOOTPRINT_SOURCE}{}", stored.id),
        uncertainty: None,
    }
}

/// The name of the organisation the console acts in.
fn organisation_name(console: &Console) -> String {
    console
        .session
        .memberships
        .iter()
        .find(|membership| membership.organisation_id == console.actor().organisation_id)
        .map(|membership| membership.organisation_name.as_str().to_owned())
        .unwrap_or_default()
}

/// Lower-case letters, digits and hyphens.
fn slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|character| if character.is_ascii_alphanumeric() { character.to_ascii_lowercase() } else { '-' })
        .collect();
    slug.trim_matches('-').to_owned()
}

/// `POST /console/products/{id}/model`: a structural change to the draft (shown again, nothing saved) or "save"
/// (checked, then stored as the next version; problems shown next to the form with everything typed kept).
pub async fn submit_model(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    if !actor.may(Permission::EditFootprints) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let product = match state.store().product(actor, &id).await {
        Ok(product) => product,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut draft = Draft::from_form(&pairs);
    let operation = pairs.iter().find(|(key, _)| key == "op").and_then(|(_, value)| Operation::parse(value));
    match operation {
        None | Some(Operation::Save) => {}
        Some(Operation::AddProductInput(process_idx)) => {
            let wanted = pairs
                .iter()
                .find(|(key, _)| *key == format!("add_input_product[{process_idx}]"))
                .map(|(_, value)| value.clone())
                .unwrap_or_default();
            let mut problems = Vec::new();
            let found = match state.store().product(actor, wanted.trim()).await {
                Ok(other) => match state.store().latest_footprint(actor, &other.id).await {
                    Ok(Some(stored)) => Some((other, stored)),
                    Ok(None) => None,
                    Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
                },
                Err(StoreError::NotFound) => None,
                Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
            };
            let mut focus = None;
            match (found, draft.processes.get(process_idx)) {
                (Some((other, stored)), Some(_)) => {
                    let source = format!("{OWN_FOOTPRINT_SOURCE}{}", stored.id);
                    let existing = draft.suppliers.iter().find(|supplier| supplier.source.value.trim() == source);
                    let (supplier_id, unit) = match existing {
                        Some(supplier) => (supplier.id.value.trim().to_owned(), supplier.unit.value.trim().to_owned()),
                        None => {
                            let taken = draft.product_ids();
                            let organisation = organisation_name(&console);
                            let supplier = supplier_from_footprint(&other, &stored, &organisation, &taken);
                            draft.suppliers.push(SupplierDraft::of(&supplier));
                            (supplier.id, supplier.unit)
                        }
                    };
                    let process = &mut draft.processes[process_idx];
                    process.inputs.push(InputDraft {
                        product: Field::of(&supplier_id),
                        amount: Field::of("1"),
                        unit: Field::of(&unit),
                        note: Field::of(in_language(t, &other.name_zh, &other.name_en)),
                        ..InputDraft::default()
                    });
                    let row_idx = process.inputs.len() - 1;
                    draft.renumber();
                    focus = Some(format!("processes[{process_idx}].inputs[{row_idx}].amount"));
                }
                _ => problems.push(ProblemView {
                    path: format!("processes[{process_idx}]"),
                    message: t.fp_problem_no_footprint.to_owned(),
                    hint: t.fp_hint_no_footprint.to_owned(),
                }),
            }
            if let Some(focus) = focus {
                draft.focus(&focus);
            }
            return editor_page(&state, &console, &product, draft, problems, StatusCode::OK).await;
        }
        Some(operation) => {
            if let Some(focus) = apply(&mut draft, &operation) {
                draft.focus(&focus);
            }
            return editor_page(&state, &console, &product, draft, Vec::new(), StatusCode::OK).await;
        }
    }
    let (model, mut problems) = draft.to_model(t, &product.sku);
    if !problems.is_empty() {
        // Whatever else is wrong is shown at the same time, so that one round fixes everything; the engine's
        // problems at fields that could not be read are left out (they are about the zero read in their place).
        let library = match state.store().factor_library_for(actor).await {
            Ok(library) => library,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        if let Err(more) = tanji_footprint::build::build(&model, &library, tanji_ghg::bundled::gwp_table()) {
            for problem in more.problems {
                if !problems.problems.iter().any(|known| names(&problem.path, &known.path)) {
                    problems.push(problem);
                }
            }
        }
        let views = problem_views(t, &problems);
        return editor_page(&state, &console, &product, draft, views, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.store().save_model(actor, &id, &model, &draft.note.value).await {
        Ok(version) => {
            Redirect::to(&format!("/console/products/{id}?notice=model_saved&version={}#model", version.version))
                .into_response()
        }
        Err(StoreError::ModelProblems(problems)) => {
            editor_page(
                &state,
                &console,
                &product,
                draft,
                problem_views(t, &problems),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                let problems = errors
                    .messages
                    .into_iter()
                    .map(|message| ProblemView { path: String::new(), message, hint: String::new() })
                    .collect();
                editor_page(&state, &console, &product, draft, problems, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cup() -> ProductModel {
        let text = include_str!("../../../../../examples/footprint/bamboo-fibre-cup.toml");
        tanji_footprint::parse_footprint_file(text).unwrap().model
    }

    /// The pairs a browser would post for the draft, as the template names them.
    fn posted(draft: &Draft) -> Vec<(String, String)> {
        let mut draft = draft.clone();
        let mut pairs: Vec<(String, String)> =
            draft.fields_mut().into_iter().map(|field| (field.name.clone(), field.value.clone())).collect();
        pairs.push(("base_version".into(), draft.base_version.clone()));
        for process in &draft.processes {
            pairs.push((process.rest.name.clone(), process.rest.value.clone()));
            for row in &process.inputs {
                pairs.push((row.uncertainty.name.clone(), row.uncertainty.value.clone()));
            }
            for row in &process.factors {
                pairs.push((row.uncertainty.name.clone(), row.uncertainty.value.clone()));
                pairs.push((row.measured.name.clone(), row.measured.value.clone()));
            }
            for row in &process.transport {
                pairs.push((row.uncertainty.name.clone(), row.uncertainty.value.clone()));
            }
            for row in &process.emissions {
                pairs.push((row.uncertainty.name.clone(), row.uncertainty.value.clone()));
            }
        }
        for supplier in &draft.suppliers {
            pairs.push((supplier.uncertainty.name.clone(), supplier.uncertainty.value.clone()));
        }
        pairs
    }

    #[test]
    fn a_model_survives_the_form_unchanged() {
        let model = cup();
        let draft = Draft::from_model(&model, 1);
        let (back, problems) = Draft::from_form(&posted(&draft)).to_model(&crate::i18n::EN, &model.product.sku);
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(back, model, "everything the form does not show rides along in hidden fields");
    }

    #[test]
    fn a_measured_amount_rides_along_until_the_amount_is_retyped() {
        let mut model = cup();
        let forming = model.processes.iter().position(|process| process.id == "cup-forming").unwrap();
        let usage = model.processes[forming].factors.iter().position(|usage| usage.unit == "kWh").unwrap();
        let measured = tanji_footprint::MeasuredAmount {
            facility: "瑞禾纸制品厂".into(),
            line: "L1".into(),
            line_name: "纸杯一线".into(),
            period_start: "2025-01-01".into(),
            period_end: "2025-12-31".into(),
            carriers: vec!["electricity".into()],
            kwh_per_unit: 0.0117,
            output_unit: "cup".into(),
            per_run_units: 1000.0,
            production_units: 4.8e7,
            energy_kwh: 561_600.0,
            n_days: 365,
            meters: vec!["L1-drive".into()],
            n_readings: 35_040,
            estimated_percent: 0.0,
            sku: "CUP-9OZ-PE".into(),
            lines: vec![tanji_footprint::MeasuredLine {
                line: "L1".into(),
                line_name: "纸杯一线".into(),
                production_units: 4.8e7,
                energy_kwh: 561_600.0,
                kwh_per_unit: 0.0117,
                output_share: 1.0,
                allocated_share: 1.0,
                n_days: 365,
                meters: vec!["L1-drive".into()],
                n_readings: 35_040,
                estimated_percent: 0.0,
            }],
            unmetered_lines: Vec::new(),
        };
        model.processes[forming].factors[usage].amount = 0.0117 * 1000.0;
        model.processes[forming].factors[usage].measured = Some(measured);
        let draft = Draft::from_model(&model, 1);
        let (back, problems) = Draft::from_form(&posted(&draft)).to_model(&crate::i18n::EN, &model.product.sku);
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(back, model, "the measured origin survives a save that leaves the amount alone");

        let mut retyped = Draft::from_model(&model, 1);
        retyped.processes[forming].factors[usage].amount.value = "9".into();
        let (back, _) = Draft::from_form(&posted(&retyped)).to_model(&crate::i18n::EN, &model.product.sku);
        assert_eq!(back.processes[forming].factors[usage].amount, 9.0);
        assert_eq!(back.processes[forming].factors[usage].measured, None, "a typed amount is no longer the meters'");
    }

    #[test]
    fn rows_are_added_and_removed_with_the_paths_renumbered() {
        let mut draft = Draft::from_model(&cup(), 1);
        let focus = apply(&mut draft, &Operation::parse("add:1:transport").unwrap());
        assert_eq!(focus.as_deref(), Some("processes[1].transport[1].factor"));
        assert_eq!(draft.processes[1].transport[1].mass_kg.name, "processes[1].transport[1].mass_kg");
        apply(&mut draft, &Operation::parse("remove_process:0").unwrap());
        assert_eq!(draft.processes[0].id.value, "cup-forming");
        assert_eq!(draft.processes[0].transport[1].factor.name, "processes[0].transport[1].factor");
        apply(&mut draft, &Operation::parse("remove:0:transport:0").unwrap());
        assert_eq!(draft.processes[0].transport.len(), 1);
        assert_eq!(apply(&mut draft, &Operation::parse("remove:9:factors:0").unwrap()), None, "no such process");
        for bad in ["", "drop_table", "add:0:bananas", "remove:0:factors", "remove_process:x"] {
            assert_eq!(Operation::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_a_problem_at_its_path_and_stays_as_typed() {
        let mut draft = Draft::from_model(&cup(), 1);
        draft.processes[0].factors[0].amount.value = "six hundred".into();
        draft.mass_kg.value = String::new();
        draft.processes[2].temporal.value = String::new();
        let (_, problems) = draft.to_model(&crate::i18n::EN, "RH-CUP-BF-250");
        let paths: Vec<&str> = problems.problems.iter().map(|problem| problem.path.as_str()).collect();
        assert_eq!(
            paths,
            ["processes[0].factors[0].amount", "processes[2].quality.temporal", "product.mass_per_declared_unit_kg"]
        );
        let views = problem_views(&crate::i18n::EN, &problems);
        draft.attach(&views);
        assert!(draft.processes[0].factors[0].amount.invalid);
        assert_eq!(draft.processes[0].factors[0].amount.value, "six hundred", "kept as typed");
        assert_eq!(draft.processes[0].factors[0].problems.len(), 1);
        assert!(draft.processes[0].problems.is_empty(), "a row's problem is shown on the row, not the process");
        assert_eq!(draft.processes[2].problems.len(), 1);
        assert!(!draft.processes[0].factors[1].amount.invalid);
    }

    #[test]
    fn another_products_footprint_becomes_a_supplier_footprint_per_unit() {
        assert_eq!(slug("RH-CUP-BF-250"), "rh-cup-bf-250");
        assert_eq!(slug("  纸杯 A/1 "), "a-1");
    }
}
