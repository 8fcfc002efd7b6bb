//! The footprint page — the total per declared unit with its 95 % range, the stage waterfall, contributions by
//! process, gas and origin, data quality, the baseline comparison, allocation, cut-off, recycling, Monte Carlo drivers
//! and the supply-chain tree — and the provenance drill-down: every figure links to the lines it is made of, every
//! line to its exchange as entered and its factor with citation and licence. Also the verifier's sign-off, label
//! publication and withdrawal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;
use tanji_footprint::{Footprint, Line, NodeName, Origin, Stage, TreeNode, figure};
use tanji_i18n::Localize as _;
use tanji_store::{ModelVersion, Publication, StoredFootprint};
use tanji_tenancy::Permission;

use super::super::charts::{self, Chart};
use super::super::error_page::ErrorPage;
use super::super::forms::{FormErrors, Outcome};
use super::super::frame::{Frame, Section, render};
use super::super::inventory::Choice;
use super::{
    Fact, PublicationRow, Scale, amount, data_kind_name, declared_unit_text, form_errors, in_language, notice, number,
    origin_name, other_language, own_footprint_source, percent, publication_rows, stage_name, when,
};
use crate::i18n::Text;
use crate::links::base_url;
use crate::redirect::{LocalPath, see_other};
use crate::state::AppState;
use crate::web_context::Console;

/// Which lines of a footprint to list. Every figure of the page links to its lines this way.
#[derive(Debug, Default, Deserialize)]
pub struct LineFilter {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    process: String,
    /// `fossil`, `biogenic_emissions`, `biogenic_removals` or `land_use_change`.
    #[serde(default)]
    origin: String,
}

impl LineFilter {
    fn is_empty(&self) -> bool {
        self.stage.is_empty() && self.process.is_empty() && self.origin.is_empty()
    }

    fn admits(&self, line: &Line) -> bool {
        let origin_matches = |gas: &tanji_footprint::GasResult| match self.origin.as_str() {
            "fossil" => gas.origin == Origin::Fossil,
            "biogenic_emissions" => gas.origin == Origin::Biogenic && gas.kg_co2e > 0.0,
            "biogenic_removals" => gas.origin == Origin::Biogenic && gas.kg_co2e < 0.0,
            "land_use_change" => gas.origin == Origin::LandUseChange,
            _ => true,
        };
        (self.stage.is_empty() || line.stage.key() == self.stage)
            && (self.process.is_empty() || line.process == self.process)
            && (self.origin.is_empty() || line.gases.iter().any(origin_matches))
    }
}

fn lines_href(id: &str, name: &str, value: &str) -> String {
    format!(
        "/console/footprints/{id}?{}#lines",
        form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish()
    )
}

fn line_href(id: &str, path: &str) -> String {
    format!(
        "/console/footprints/{id}/line?{}",
        form_urlencoded::Serializer::new(String::new()).append_pair("path", path).finish()
    )
}

/// A headline figure.
pub struct Stat {
    pub label: &'static str,
    pub value: String,
    pub unit: String,
    pub href: String,
}

/// A life-cycle stage row, with the baseline's figure when compared.
pub struct StageRow {
    pub name: &'static str,
    pub value: String,
    pub share: String,
    pub baseline: String,
    pub reduction: String,
    pub reduction_percent: String,
    pub href: String,
}

pub struct ProcessRow {
    pub id: String,
    pub name: String,
    pub stage: &'static str,
    pub data: &'static str,
    pub value: String,
    pub share: String,
    pub href: String,
}

pub struct OriginRow {
    pub label: &'static str,
    pub value: String,
    pub href: String,
}

pub struct GasRow {
    pub gas: String,
    pub origin: &'static str,
    pub kg_gas: String,
    pub value: String,
}

pub struct AllocationRow {
    pub process: String,
    pub method: String,
    pub follows_hierarchy: bool,
    pub shares: String,
    pub reason: String,
}

pub struct RecyclingRow {
    pub process: String,
    pub material: String,
    pub kg: String,
}

pub struct DriverRow {
    pub path: String,
    pub href: String,
    pub process: String,
    pub description: String,
    pub distribution: String,
    pub share: String,
    pub correlation: String,
}

/// A node of the supply-chain tree, flattened: the template opens a nested list after a node with children and
/// closes `closes` levels after a node without.
pub struct TreeItem {
    pub name: String,
    pub kind: String,
    pub amount: String,
    pub value: String,
    pub opens: bool,
    pub closes: usize,
}

pub struct LineRow {
    pub path: String,
    pub href: String,
    pub process: String,
    pub stage: &'static str,
    pub kind: &'static str,
    pub description: String,
    pub amount: String,
    pub source: String,
    pub factor_id: String,
    pub value: String,
    pub share: String,
}

pub struct FactorRow {
    pub reference: String,
    pub id: String,
    pub name: String,
    pub unit: String,
    pub citation: String,
    pub url: String,
    pub licence: String,
    pub verification: String,
    pub region_year: String,
}

pub struct ComparisonView {
    pub baseline_name: String,
    pub baseline_footprint_id: String,
    pub product_total: String,
    pub baseline_total: String,
    pub reduction: String,
    pub reduction_percent: String,
    pub lower: bool,
}

pub struct SignOffView {
    /// Made for an independent verification body (third-party verification); otherwise a member of the
    /// organisation signed: internal review, which permits no public comparison.
    pub independent: bool,
    pub verifier_name: String,
    pub verifier_organisation: String,
    pub statement: String,
    pub signed_at: String,
}

pub struct UncertaintyView {
    pub iterations: usize,
    pub seed: u64,
    pub mean: String,
    pub sd: String,
    pub p2_5: String,
    pub p50: String,
    pub p97_5: String,
    pub uncertain_exchanges: usize,
    pub pedigree_derived: usize,
    pub drivers: Vec<DriverRow>,
}

pub struct QualityView {
    pub technological: String,
    pub temporal: String,
    pub geographical: String,
    pub coverage: String,
}

/// The verify form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    verifier_organisation: String,
    #[serde(default)]
    statement: String,
}

#[derive(Template)]
#[template(path = "products_footprint.html")]
struct FootprintPage {
    frame: Frame,
    notice: Option<String>,
    id: String,
    product_id: String,
    product_name: String,
    product_other_name: String,
    sku: String,
    per: String,
    unit: &'static str,
    model_version: i64,
    computed: String,
    gwp: String,
    period: String,
    total: String,
    range: String,
    median: String,
    /// A Monte Carlo run in which no exchange varied (no distributions, no ratings).
    ran_without_spread: bool,
    stats: Vec<Stat>,
    charts: Vec<Chart>,
    stages: Vec<StageRow>,
    processes: Vec<ProcessRow>,
    origins: Vec<OriginRow>,
    gases: Vec<GasRow>,
    primary_share: String,
    quality: Option<QualityView>,
    comparison: Option<ComparisonView>,
    allocations: Vec<AllocationRow>,
    exemptions: Vec<Fact>,
    exempted_text: String,
    exempted_within_limit: bool,
    recycling: Vec<RecyclingRow>,
    uncertainty: Option<UncertaintyView>,
    tree: Vec<TreeItem>,
    lines: Vec<LineRow>,
    n_lines_total: usize,
    filtered: bool,
    stage_choices: Vec<Choice>,
    process_choices: Vec<Choice>,
    origin_choices: Vec<Choice>,
    factors: Vec<FactorRow>,
    notes: Vec<String>,
    sign_off: Option<SignOffView>,
    can_verify: bool,
    verify_form: VerifyForm,
    verify_errors: FormErrors,
    can_publish: bool,
    /// What publishing will do with the comparison, told before publishing.
    publish_comparison: Option<PublishComparison>,
    publications: Vec<PublicationRow>,
    withdraw_errors: FormErrors,
    public_base: String,
}

/// What the label will say about the comparison with the conventional product.
struct PublishComparison {
    text: String,
    /// The comparison will be left out (the footprint is not verified).
    withheld: bool,
}

/// The publish step's note about the comparison: shown when verified independently, withheld (and why) when not. The rule is
/// `tanji_footprint::Assurance`'s, the percentage `tanji_label`'s claim rule: what the page will show.
fn publish_comparison(t: &'static Text, stored: &StoredFootprint) -> Option<PublishComparison> {
    let comparison = stored.comparison.as_ref()?;
    let claimed =
        tanji_label::label::claimed_reduction_percent(comparison.product_kg_co2e, comparison.baseline_kg_co2e)?;
    let assurance = stored.assurance();
    let template = match assurance {
        _ if assurance.permits_public_comparison() => t.fp_publish_comparison_shown,
        tanji_footprint::Assurance::InternalReview => t.fp_publish_comparison_internal_review,
        _ => t.fp_publish_comparison_withheld,
    };
    let withheld = !assurance.permits_public_comparison();
    Some(PublishComparison { text: template.replace("{percent}", &claimed.to_string()), withheld })
}

/// A line's share of the footprint total, as the engine states stage and process shares: with removals, shares can
/// be negative or exceed 100 %, and they still add up to 100 %.
fn share_of(value: f64, footprint: &Footprint) -> String {
    let total = footprint.total_kg_co2e;
    if total != 0.0 { percent(100.0 * value / total) } else { String::new() }
}

fn kind_name(t: &'static Text, kind: &str) -> &'static str {
    match kind {
        "emission" => t.fp_kind_emission,
        "supplier" => t.fp_kind_supplier,
        _ => t.fp_kind_factor,
    }
}

/// A driver's spread in words. A lognormal's geometric standard deviation reads the same in any unit; the other
/// kinds are stated in the matrix's units and signs, so only their kind is named here (the line page shows the
/// distribution as entered).
fn driver_distribution_text(distribution: &impl serde::Serialize) -> String {
    let Ok(Value::Object(map)) = serde_json::to_value(distribution) else { return String::new() };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    match map.get("geometric_sd").and_then(Value::as_f64) {
        Some(gsd) => format!("{kind}, GSD {}", number(gsd)),
        None => kind.to_owned(),
    }
}

/// A distribution in words: "triangular, min 110, mode 176, max 264".
fn distribution_text(distribution: &impl serde::Serialize) -> String {
    let Ok(Value::Object(map)) = serde_json::to_value(distribution) else { return String::new() };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
    let parameters: Vec<String> = map
        .iter()
        .filter(|(key, _)| *key != "kind")
        .map(|(key, value)| format!("{key} {}", value.as_f64().map(figure).unwrap_or_else(|| value.to_string())))
        .collect();
    if parameters.is_empty() { kind } else { format!("{kind}, {}", parameters.join(", ")) }
}

/// A supply-tree node's name and unit in the reader's language.
fn tree_node_text(t: &'static Text, node: &TreeNode) -> (String, String) {
    let unit = if node.unit == "items" { t.fp_tree_items.to_owned() } else { node.unit.clone() };
    (node.name.localize(t.language), unit)
}

fn flatten_tree(t: &'static Text, node: &TreeNode, scale: Scale, depth: usize, items: &mut Vec<(usize, TreeItem)>) {
    let (name, unit) = tree_node_text(t, node);
    let shown_amount = if node.kind == "other" && node.unit == "items" {
        String::new()
    } else {
        format!("{} {unit}", amount(node.amount))
    };
    items.push((
        depth,
        TreeItem {
            name,
            kind: node.kind.clone(),
            amount: shown_amount,
            value: scale.show(node.kg_co2e),
            opens: !node.children.is_empty(),
            closes: 0,
        },
    ));
    for child in &node.children {
        flatten_tree(t, child, scale, depth + 1, items);
    }
}

fn tree_items(t: &'static Text, root: &TreeNode, scale: Scale) -> Vec<TreeItem> {
    let mut items = Vec::new();
    flatten_tree(t, root, scale, 0, &mut items);
    let depths: Vec<usize> = items.iter().map(|(depth, _)| *depth).collect();
    items
        .into_iter()
        .enumerate()
        .map(|(idx, (depth, mut item))| {
            if !item.opens {
                let next = depths.get(idx + 1).copied().unwrap_or(0);
                item.closes = depth.saturating_sub(next);
            }
            item
        })
        .collect()
}

fn figures(t: &'static Text, stored: &StoredFootprint, scale: Scale) -> Vec<Stat> {
    let footprint = &stored.footprint;
    let id = &stored.id;
    let all = format!("/console/footprints/{id}#lines");
    let mut stats = vec![
        Stat {
            label: t.fp_excluding_uptake,
            value: scale.show(footprint.excluding_biogenic_uptake_kg_co2e),
            unit: scale.unit().to_owned(),
            href: all,
        },
        Stat {
            label: t.fp_origin_fossil,
            value: scale.show(footprint.fossil_kg_co2e),
            unit: scale.unit().to_owned(),
            href: lines_href(id, "origin", "fossil"),
        },
        Stat {
            label: t.fp_biogenic_removals,
            value: scale.show(footprint.biogenic_removals_kg_co2e),
            unit: scale.unit().to_owned(),
            href: lines_href(id, "origin", "biogenic_removals"),
        },
        Stat {
            label: t.fp_primary_share,
            value: percent(footprint.primary_data_share_percent),
            unit: String::new(),
            href: "#quality".to_owned(),
        },
    ];
    if let Some(comparison) = &stored.comparison {
        stats.push(Stat {
            label: t.fp_reduction,
            value: percent(comparison.reduction_percent),
            unit: format!("{} {}", scale.show(comparison.reduction_kg_co2e), scale.unit()),
            href: "#comparison".to_owned(),
        });
    }
    stats
}

fn footprint_charts(t: &'static Text, stored: &StoredFootprint, scale: Scale) -> Vec<Chart> {
    let footprint = &stored.footprint;
    let unit = scale.unit();
    let stages: Vec<(String, f64)> = footprint
        .by_stage
        .iter()
        .filter(|stage| stage.kg_co2e != 0.0)
        .map(|stage| (stage_name(t, stage.stage).to_owned(), scale.of(stage.kg_co2e)))
        .collect();
    let mut processes: Vec<(String, f64)> = footprint
        .by_process
        .iter()
        .filter(|process| process.kg_co2e != 0.0)
        .map(|process| (in_language(t, &process.name_zh, &process.name_en), scale.of(process.kg_co2e)))
        .collect();
    if processes.len() > 10 {
        let rest: f64 = processes.split_off(9).iter().map(|(_, value)| value).sum();
        processes.push((t.fp_other_processes.to_owned(), rest));
    }
    let origins = vec![
        (t.fp_origin_fossil.to_owned(), scale.of(footprint.fossil_kg_co2e)),
        (t.fp_biogenic_emissions.to_owned(), scale.of(footprint.biogenic_emissions_kg_co2e)),
        (t.fp_biogenic_removals.to_owned(), scale.of(footprint.biogenic_removals_kg_co2e)),
        (t.fp_origin_luc.to_owned(), scale.of(footprint.land_use_change_kg_co2e)),
    ];
    let mut charts = vec![
        charts::waterfall("stage-waterfall", t.fp_chart_stages, unit, &stages, t.fp_total),
        charts::signed_bars("process-contribution", t.fp_chart_processes, unit, &processes),
        charts::signed_bars("origin-split", t.fp_chart_origins, unit, &origins),
        contribution_sankey(t, footprint, scale),
    ];
    if let Some(spread) = &footprint.uncertainty
        && !spread.histogram.is_empty()
    {
        let bins: Vec<(f64, f64, usize)> = spread
            .histogram
            .iter()
            .map(|bin| (scale.of(bin.from_kg_co2e), scale.of(bin.to_kg_co2e), bin.count))
            .collect();
        let markers = [
            ("P2.5".to_owned(), scale.of(spread.p2_5_kg_co2e)),
            (t.fp_median.to_owned(), scale.of(spread.p50_kg_co2e)),
            ("P97.5".to_owned(), scale.of(spread.p97_5_kg_co2e)),
        ];
        charts.insert(
            0,
            charts::histogram(
                "monte-carlo-histogram",
                t.fp_chart_histogram,
                unit,
                t.fp_chart_iterations,
                &bins,
                &markers,
            ),
        );
    }
    if let (Some(comparison), Some(baseline)) = (&stored.comparison, &stored.baseline) {
        let entries: Vec<(String, f64, f64)> = comparison
            .by_stage
            .iter()
            .filter(|stage| stage.product_kg_co2e != 0.0 || stage.baseline_kg_co2e != 0.0)
            .map(|stage| {
                (
                    stage_name(t, stage.stage).to_owned(),
                    scale.of(stage.product_kg_co2e),
                    scale.of(stage.baseline_kg_co2e),
                )
            })
            .collect();
        let baseline_name = in_language(t, &baseline.product.name_zh, &baseline.product.name_en);
        let product_name = in_language(t, &footprint.product.name_zh, &footprint.product.name_en);
        charts.push(charts::paired_bars(
            "baseline-comparison",
            t.fp_chart_comparison,
            unit,
            [&product_name, &baseline_name],
            &entries,
        ));
    }
    charts
}

/// The supply tree as a Sankey diagram: every positive contribution flows from its exchange (factor, supplier
/// footprint, emission) through the processes to the product. Negative contributions (biogenic removals) cannot be
/// drawn as flows; the stage chart shows them.
fn contribution_sankey(t: &'static Text, footprint: &tanji_footprint::Footprint, scale: Scale) -> Chart {
    fn walk(
        t: &'static Text,
        footprint: &tanji_footprint::Footprint,
        node: &TreeNode,
        key: String,
        scale: Scale,
        nodes: &mut Vec<charts::FlowNode>,
        links: &mut Vec<(String, String, f64)>,
    ) {
        for (idx, child) in node.children.iter().enumerate() {
            if child.kg_co2e <= 0.0 {
                continue;
            }
            let child_key = format!("{key}.{idx}");
            nodes.push(charts::FlowNode { key: child_key.clone(), name: sankey_name(t, footprint, child) });
            links.push((child_key.clone(), key.clone(), scale.of(child.kg_co2e)));
            walk(t, footprint, child, child_key, scale, nodes, links);
        }
    }
    /// A node's name in the page's language: a process by its name (not its id), a library factor by the factor's
    /// name (not the free-text note of the exchange, which is in whatever language the modeller wrote it).
    fn sankey_name(t: &'static Text, footprint: &tanji_footprint::Footprint, node: &TreeNode) -> String {
        let named = match &node.name {
            NodeName::Process { process, .. } => footprint
                .by_process
                .iter()
                .find(|result| &result.process == process)
                .map(|result| in_language(t, &result.name_zh, &result.name_en)),
            NodeName::Factor { factor, .. } => footprint
                .factors
                .iter()
                .find(|citation| &citation.factor == factor)
                .map(|citation| in_language(t, &citation.name_zh, &citation.name_en)),
            _ => None,
        };
        named.unwrap_or_else(|| tree_node_text(t, node).0)
    }
    let root = &footprint.supply_tree;
    let mut nodes = vec![charts::FlowNode {
        key: "0".to_owned(),
        name: in_language(t, &footprint.product.name_zh, &footprint.product.name_en),
    }];
    let mut links = Vec::new();
    walk(t, footprint, root, "0".to_owned(), scale, &mut nodes, &mut links);
    let mut chart = charts::sankey("contribution-sankey", t.fp_chart_sankey, scale.unit(), &nodes, &links);
    if footprint.biogenic_removals_kg_co2e < 0.0 {
        chart.summary.push_str(t.fp_chart_sankey_removals);
    }
    chart
}

/// What the footprint page's forms show after a refused submission.
#[derive(Default)]
struct PageForms {
    verify: VerifyForm,
    verify_errors: FormErrors,
    withdraw_errors: FormErrors,
}

async fn footprint_page(
    state: &AppState,
    console: &Console,
    id: &str,
    filter: &LineFilter,
    forms: PageForms,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let stored = match store.footprint(actor, id).await {
        Ok(stored) => stored,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let (products, publications) = match (store.products(actor).await, store.publications(actor).await) {
        (Ok(products), Ok(publications)) => (products, publications),
        (Err(error), _) | (_, Err(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let publications: Vec<Publication> =
        publications.into_iter().filter(|publication| publication.footprint_id == stored.id).collect();
    let footprint = &stored.footprint;
    let product = &footprint.product;
    let mut scaled = vec![footprint.total_kg_co2e, footprint.excluding_biogenic_uptake_kg_co2e];
    scaled.extend(footprint.by_stage.iter().map(|stage| stage.kg_co2e));
    if let Some(comparison) = &stored.comparison {
        scaled.push(comparison.baseline_kg_co2e);
    }
    let scale = Scale::for_values(scaled);
    let comparison = stored.comparison.as_ref();
    let stages = footprint
        .by_stage
        .iter()
        .map(|stage| {
            let compared =
                comparison.and_then(|comparison| comparison.by_stage.iter().find(|row| row.stage == stage.stage));
            StageRow {
                name: stage_name(t, stage.stage),
                value: scale.show(stage.kg_co2e),
                share: percent(stage.share_percent),
                baseline: compared.map(|row| scale.show(row.baseline_kg_co2e)).unwrap_or_default(),
                reduction: compared.map(|row| scale.show(row.reduction_kg_co2e)).unwrap_or_default(),
                // A share of a negative (removal) or zero stage reads as nonsense ("222 %"); only real reductions
                // or increases of an emitting stage get one.
                reduction_percent: compared
                    .filter(|row| row.baseline_kg_co2e > 0.0 && row.reduction_kg_co2e.abs() > 1e-12)
                    .map(|row| percent(100.0 * row.reduction_kg_co2e / row.baseline_kg_co2e.abs()))
                    .unwrap_or_default(),
                href: lines_href(&stored.id, "stage", stage.stage.key()),
            }
        })
        .collect();
    let processes = footprint
        .by_process
        .iter()
        .map(|process| ProcessRow {
            id: process.process.clone(),
            name: in_language(t, &process.name_zh, &process.name_en),
            stage: stage_name(t, process.stage),
            data: data_kind_name(t, process.data),
            value: scale.show(process.kg_co2e),
            share: percent(process.share_percent),
            href: lines_href(&stored.id, "process", &process.process),
        })
        .collect();
    let origins = vec![
        OriginRow {
            label: t.fp_origin_fossil,
            value: scale.show(footprint.fossil_kg_co2e),
            href: lines_href(&stored.id, "origin", "fossil"),
        },
        OriginRow {
            label: t.fp_biogenic_emissions,
            value: scale.show(footprint.biogenic_emissions_kg_co2e),
            href: lines_href(&stored.id, "origin", "biogenic_emissions"),
        },
        OriginRow {
            label: t.fp_biogenic_removals,
            value: scale.show(footprint.biogenic_removals_kg_co2e),
            href: lines_href(&stored.id, "origin", "biogenic_removals"),
        },
        OriginRow {
            label: t.fp_origin_luc,
            value: scale.show(footprint.land_use_change_kg_co2e),
            href: lines_href(&stored.id, "origin", "land_use_change"),
        },
    ];
    let gases = footprint
        .by_gas
        .iter()
        .map(|gas| GasRow {
            gas: if gas.gas == "CO2e" { t.fp_pre_characterised.to_owned() } else { gas.gas.clone() },
            origin: origin_name(t, gas.origin),
            kg_gas: gas.kg_gas.map(figure).unwrap_or_default(),
            value: scale.show(gas.kg_co2e),
        })
        .collect();
    let mut sorted_lines: Vec<&Line> = footprint.lines.iter().filter(|line| filter.admits(line)).collect();
    sorted_lines.sort_by(|left, right| right.kg_co2e.abs().total_cmp(&left.kg_co2e.abs()));
    let lines = sorted_lines
        .into_iter()
        .map(|line| LineRow {
            path: line.path.clone(),
            href: line_href(&stored.id, &line.path),
            process: line.process.clone(),
            stage: stage_name(t, line.stage),
            kind: kind_name(t, &line.kind),
            description: line.description.clone(),
            amount: format!("{} {}", amount(line.amount), line.unit),
            source: line.source.clone(),
            factor_id: if line.kind == "factor" {
                line.source.split('@').next().unwrap_or_default().to_owned()
            } else {
                String::new()
            },
            value: scale.show(line.kg_co2e),
            share: share_of(line.kg_co2e, footprint),
        })
        .collect();
    let uncertainty = footprint.uncertainty.as_ref().map(|spread| UncertaintyView {
        iterations: spread.iterations,
        seed: spread.seed,
        mean: scale.show(spread.mean_kg_co2e),
        sd: scale.show(spread.sd_kg_co2e),
        p2_5: scale.show(spread.p2_5_kg_co2e),
        p50: scale.show(spread.p50_kg_co2e),
        p97_5: scale.show(spread.p97_5_kg_co2e),
        uncertain_exchanges: spread.uncertain_exchanges,
        pedigree_derived: spread.pedigree_derived,
        drivers: spread
            .drivers
            .iter()
            .take(10)
            .map(|driver| DriverRow {
                path: driver.path.clone(),
                href: line_href(&stored.id, &driver.path),
                process: driver.process.clone(),
                description: driver.description.clone(),
                distribution: driver_distribution_text(&driver.distribution),
                share: percent(100.0 * driver.variance_share),
                correlation: format!("{:+.2}", driver.rank_correlation),
            })
            .collect(),
    });
    let exemptions = &footprint.exemptions;
    let sign_off = stored.sign_off.as_ref().map(|sign_off| SignOffView {
        independent: stored.assurance() == tanji_footprint::Assurance::Verified,
        verifier_name: sign_off.verifier_name.clone(),
        verifier_organisation: sign_off.verifier_organisation.clone(),
        statement: sign_off.statement.clone(),
        signed_at: when(sign_off.signed_at),
    });
    let choices_of = |items: Vec<(String, String)>, current: &str| -> Vec<Choice> {
        items.into_iter().map(|(value, label)| Choice { selected: value == current, value, label }).collect()
    };
    let page = FootprintPage {
        frame: Frame::console(console, Section::Products, &format!("{} · {}", product.sku, t.fp_footprint)),
        notice: notice(console),
        id: stored.id.clone(),
        product_id: stored.product_id.clone(),
        product_name: in_language(t, &product.name_zh, &product.name_en),
        product_other_name: other_language(t, &product.name_zh, &product.name_en),
        sku: product.sku.clone(),
        per: declared_unit_text(t, &product.declared_unit),
        unit: scale.unit(),
        model_version: stored.model_version,
        computed: format!("{} · {}", when(stored.computed_at), stored.computed_by),
        gwp: footprint.gwp_set.clone(),
        period: format!("{} – {}", product.reference_period_start, product.reference_period_end),
        total: scale.show(footprint.total_kg_co2e),
        range: footprint
            .uncertainty
            .as_ref()
            .filter(|spread| spread.uncertain_exchanges > 0)
            .map(|spread| format!("{} – {}", scale.show(spread.p2_5_kg_co2e), scale.show(spread.p97_5_kg_co2e)))
            .unwrap_or_default(),
        median: footprint.uncertainty.as_ref().map(|spread| scale.show(spread.p50_kg_co2e)).unwrap_or_default(),
        ran_without_spread: footprint.uncertainty.as_ref().is_some_and(|spread| spread.uncertain_exchanges == 0),
        stats: figures(t, &stored, scale),
        charts: footprint_charts(t, &stored, scale),
        stages,
        processes,
        origins,
        gases,
        primary_share: percent(footprint.primary_data_share_percent),
        quality: footprint.data_quality.as_ref().map(|quality| QualityView {
            technological: format!("{:.1}", quality.technological),
            temporal: format!("{:.1}", quality.temporal),
            geographical: format!("{:.1}", quality.geographical),
            coverage: format!("{:.0} %", quality.coverage_percent),
        }),
        comparison: stored.comparison.as_ref().zip(stored.baseline.as_ref()).map(|(comparison, baseline)| {
            ComparisonView {
                baseline_name: in_language(t, &baseline.product.name_zh, &baseline.product.name_en),
                baseline_footprint_id: stored.baseline_footprint_id.clone().unwrap_or_default(),
                product_total: scale.show(comparison.product_kg_co2e),
                baseline_total: scale.show(comparison.baseline_kg_co2e),
                reduction: scale.show(comparison.reduction_kg_co2e),
                reduction_percent: percent(comparison.reduction_percent),
                lower: comparison.reduction_kg_co2e > 0.0,
            }
        }),
        allocations: footprint
            .allocations
            .iter()
            .map(|record| AllocationRow {
                process: record.process.clone(),
                method: tanji_i18n::footprint::allocation_method(&record.method, t.language),
                follows_hierarchy: record.follows_hierarchy,
                shares: record
                    .shares
                    .iter()
                    .map(|(product, share)| format!("{product} {}", percent(100.0 * share)))
                    .collect::<Vec<_>>()
                    .join(" · "),
                reason: match record.subdivision_parent() {
                    Some(parent) => tanji_i18n::footprint::subdivided_from(parent, t.language),
                    None => record.modeller_reason().unwrap_or_default().to_owned(),
                },
            })
            .collect(),
        exemptions: exemptions
            .items
            .iter()
            .map(|item| Fact {
                label: stage_name(t, item.stage),
                value: format!(
                    "{} — ≤ {} {} — {}",
                    item.name,
                    scale.show(item.estimate_kg_co2e),
                    scale.unit(),
                    item.reason
                ),
            })
            .collect(),
        exempted_text: t
            .fp_exempted_text
            .replace("{value}", &format!("{} {}", scale.show(exemptions.exempted_kg_co2e), scale.unit()))
            .replace("{percent}", &format!("{:.2}", exemptions.exempted_percent))
            .replace("{max}", &figure(exemptions.max_exempted_percent)),
        exempted_within_limit: exemptions.within_limit,
        recycling: footprint
            .recycling
            .iter()
            .map(|line| RecyclingRow {
                process: line.process.clone(),
                material: line.material.clone(),
                kg: figure(line.kg_per_declared_unit),
            })
            .collect(),
        uncertainty,
        tree: tree_items(t, &footprint.supply_tree, scale),
        lines,
        n_lines_total: footprint.lines.len(),
        filtered: !filter.is_empty(),
        stage_choices: choices_of(
            Stage::ALL.into_iter().map(|stage| (stage.key().to_owned(), stage_name(t, stage).to_owned())).collect(),
            &filter.stage,
        ),
        process_choices: choices_of(
            footprint
                .by_process
                .iter()
                .map(|process| (process.process.clone(), in_language(t, &process.name_zh, &process.name_en)))
                .collect(),
            &filter.process,
        ),
        origin_choices: choices_of(
            vec![
                ("fossil".to_owned(), t.fp_origin_fossil.to_owned()),
                ("biogenic_emissions".to_owned(), t.fp_biogenic_emissions.to_owned()),
                ("biogenic_removals".to_owned(), t.fp_biogenic_removals.to_owned()),
                ("land_use_change".to_owned(), t.fp_origin_luc.to_owned()),
            ],
            &filter.origin,
        ),
        factors: footprint
            .factors
            .iter()
            .map(|factor| FactorRow {
                reference: factor.factor.clone(),
                id: factor.factor.split('@').next().unwrap_or_default().to_owned(),
                name: in_language(t, &factor.name_zh, &factor.name_en),
                unit: factor.unit.clone(),
                citation: factor.citation.clone(),
                url: factor.url.clone(),
                licence: factor.licence.clone(),
                verification: factor.verification.clone(),
                region_year: format!("{} · {}", factor.region, factor.year),
            })
            .collect(),
        notes: footprint.notes.iter().map(|note| tanji_i18n::Localize::localize(note, t.language)).collect(),
        can_verify: actor.may(Permission::VerifyFootprints) && stored.sign_off.is_none(),
        sign_off,
        verify_form: forms.verify,
        verify_errors: forms.verify_errors,
        can_publish: actor.may(Permission::PublishLabels),
        publish_comparison: publish_comparison(t, &stored),
        publications: publication_rows(t, &publications, &products),
        withdraw_errors: forms.withdraw_errors,
        public_base: base_url(state),
    };
    render(status, &page)
}

/// `GET /console/footprints/{id}?stage=&process=&origin=`.
pub async fn show_footprint(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(filter): Query<LineFilter>,
) -> Response {
    footprint_page(&state, &console, &id, &filter, PageForms::default(), StatusCode::OK).await
}

/// `POST /console/footprints/{id}/verify` (auditors).
pub async fn verify(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<VerifyForm>,
) -> Response {
    match state.store().verify_footprint(console.actor(), &id, &form.verifier_organisation, &form.statement).await {
        Ok(_) => {
            Redirect::to(&format!("/console/footprints/{id}?notice=footprint_verified#verification")).into_response()
        }
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                let forms = PageForms { verify: form, verify_errors: errors, ..PageForms::default() };
                footprint_page(&state, &console, &id, &LineFilter::default(), forms, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/footprints/{id}/publish` (owners and editors): the label's code and links appear on the page.
pub async fn publish(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    match state.store().publish_footprint(console.actor(), &id).await {
        Ok(_) => Redirect::to(&format!("/console/footprints/{id}?notice=label_published#label")).into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// The withdraw form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
    /// The console page to come back to.
    #[serde(default)]
    back: String,
}

/// `POST /console/publications/{id}/withdraw` (owners and editors).
pub async fn withdraw(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let store = state.store();
    let publication = match store.publication_by_id(console.actor(), &id).await {
        Ok(publication) => publication,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    match store.withdraw_publication(console.actor(), &id, &form.reason).await {
        Ok(_) => {
            let fallback = format!("/console/footprints/{}", publication.footprint_id);
            let back = LocalPath::under_or(Some(&form.back), "/console/", fallback);
            see_other(&format!("{}?notice=label_withdrawn#labels", back.without_query()))
        }
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                let forms = PageForms { withdraw_errors: errors, ..PageForms::default() };
                footprint_page(&state, &console, &publication.footprint_id, &LineFilter::default(), forms, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

// ── One line's provenance ───────────────────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "products_line.html")]
struct LinePage {
    frame: Frame,
    footprint_id: String,
    product_name: String,
    model_version: i64,
    product_id: String,
    path: String,
    description: String,
    facts: Vec<Fact>,
    formula: String,
    entered: Vec<(String, String)>,
    gases: Vec<GasRow>,
    factor: Option<FactorRow>,
    own_footprint: String,
    driver: Option<DriverRow>,
}

/// Which line.
#[derive(Debug, Deserialize)]
pub struct LineQuery {
    #[serde(default)]
    path: String,
}

/// The exchange at `path` (`processes[2].factors[0]`) of a model, as stored JSON.
fn exchange_at(model: &Value, path: &str) -> Option<Value> {
    let mut pointer = String::new();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, Some(rest.strip_suffix(']')?)),
            None => (part, None),
        };
        pointer.push('/');
        pointer.push_str(name);
        if let Some(index) = index {
            index.parse::<usize>().ok()?;
            pointer.push('/');
            pointer.push_str(index);
        }
    }
    model.pointer(&pointer).cloned()
}

/// `GET /console/footprints/{id}/line?path=processes[0].factors[1]`: one line's provenance — the exchange as
/// entered in the model version, the arithmetic, the gases, and the factor with its citation and licence.
pub async fn line(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(query): Query<LineQuery>,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let stored = match state.store().footprint(actor, &id).await {
        Ok(stored) => stored,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let footprint = &stored.footprint;
    let Some(line) = footprint.lines.iter().find(|line| line.path == query.path) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let model: Option<ModelVersion> =
        state.store().model_version(actor, &stored.product_id, Some(stored.model_version)).await.ok();
    let model_json = model.as_ref().and_then(|version| serde_json::to_value(&version.model).ok());
    let entered: Vec<(String, String)> = model_json
        .as_ref()
        .and_then(|json| exchange_at(json, &line.path))
        .and_then(|exchange| match exchange {
            Value::Object(map) => Some(
                map.into_iter()
                    // A measured amount's origin is shown as facts of its own.
                    .filter(|(key, _)| key != "measured")
                    .map(|(key, value)| {
                        let text = match value {
                            Value::String(text) => text,
                            Value::Number(number) => number.as_f64().map(figure).unwrap_or_else(|| number.to_string()),
                            other => distribution_text(&other).if_empty(other.to_string()),
                        };
                        (key, text)
                    })
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let process = model.as_ref().and_then(|version| version.model.processes.iter().find(|p| p.id == line.process));
    let mut scaled = vec![footprint.total_kg_co2e];
    scaled.extend(footprint.by_stage.iter().map(|stage| stage.kg_co2e));
    let scale = Scale::for_values(scaled);
    let mut facts = vec![
        Fact {
            label: t.fp_process,
            value: process
                .map(|process| format!("{} · {}", process.id, in_language(t, &process.name_zh, &process.name_en)))
                .unwrap_or_else(|| line.process.clone()),
        },
        Fact { label: t.fp_stage, value: stage_name(t, line.stage).to_owned() },
        Fact { label: t.fp_data_kind, value: data_kind_name(t, line.data).to_owned() },
        Fact { label: t.fp_kind, value: kind_name(t, &line.kind).to_owned() },
        Fact {
            label: t.fp_amount_per_unit,
            value: format!(
                "{} {} ({})",
                amount(line.amount),
                line.unit,
                declared_unit_text(t, &footprint.product.declared_unit)
            ),
        },
        Fact { label: t.fp_per_unit_factor, value: format!("{} kg CO2e/{}", amount(line.kg_co2e_per_unit), line.unit) },
        Fact {
            label: t.fp_contribution,
            value: format!("{} {} ({})", scale.show(line.kg_co2e), scale.unit(), share_of(line.kg_co2e, footprint)),
        },
        Fact { label: t.fp_source, value: line.source.clone() },
    ];
    if let Some(measured) = &line.measured {
        let line_text = if measured.line_name.is_empty() {
            measured.line.clone()
        } else {
            format!("{} {}", measured.line, measured.line_name)
        };
        let source = if measured.sku.is_empty() {
            format!("{} · {line_text}", measured.facility)
        } else {
            format!("{} · {} · {} {line_text}", measured.facility, measured.sku, t.fp_measured_lines)
        };
        facts.push(Fact { label: t.fp_measured_source, value: source });
        facts.push(Fact {
            label: t.fp_measured_period,
            value: format!(
                "{} – {} · {} {}",
                measured.period_start, measured.period_end, measured.n_days, t.fp_measured_days
            ),
        });
        facts.push(Fact {
            label: t.fp_measured_intensity,
            value: format!(
                "{} kWh/{unit} = {} kWh ÷ {} {unit}",
                figure(measured.kwh_per_unit),
                figure(measured.energy_kwh),
                figure(measured.production_units),
                unit = tanji_i18n::energy::output_unit(&measured.output_unit, t.language)
            ),
        });
        facts.push(Fact {
            label: t.fp_measured_meters,
            value: format!("{} ({})", measured.meters.join(", "), measured.n_readings),
        });
        facts.push(Fact { label: t.fp_measured_estimated, value: format!("{:.2} %", measured.estimated_percent) });
        // Each line's part: the figure above is Σ share × the line's kWh per unit.
        for part in &measured.lines {
            let name =
                if part.line_name.is_empty() { part.line.clone() } else { format!("{} {}", part.line, part.line_name) };
            let mut value = format!(
                "{} kWh/{unit} = {} kWh ÷ {} {unit} · {} {:.1} % · {} ({}) · {} {:.2} %",
                figure(part.kwh_per_unit),
                figure(part.energy_kwh),
                figure(part.production_units),
                t.fp_measured_output_share,
                100.0 * part.output_share,
                part.meters.join(", "),
                part.n_readings,
                t.fp_measured_estimated,
                part.estimated_percent,
                unit = tanji_i18n::energy::output_unit(&measured.output_unit, t.language)
            );
            if part.allocated_share < 1.0 {
                value.push_str(&format!(" · {} {:.1} %", t.fp_measured_allocated_share, 100.0 * part.allocated_share));
            }
            facts.push(Fact { label: t.fp_measured_line, value: format!("{name}: {value}") });
        }
        if !measured.unmetered_lines.is_empty() {
            facts.push(Fact { label: t.fp_measured_unmetered, value: measured.unmetered_lines.join(", ") });
        }
    }
    if line.allocation_share != 1.0 {
        facts.push(Fact { label: t.fp_allocation_share, value: format!("{:.2} %", 100.0 * line.allocation_share) });
    }
    if let Some(quality) = process.and_then(|process| process.quality) {
        facts.push(Fact {
            label: t.fp_dqr,
            value: format!(
                "{} {} · {} {} · {} {}",
                t.fp_dqr_technological,
                quality.technological,
                t.fp_dqr_temporal,
                quality.temporal,
                t.fp_dqr_geographical,
                quality.geographical
            ),
        });
    }
    let factor = footprint.factors.iter().find(|factor| factor.factor == line.source).map(|factor| FactorRow {
        reference: factor.factor.clone(),
        id: factor.factor.split('@').next().unwrap_or_default().to_owned(),
        name: in_language(t, &factor.name_zh, &factor.name_en),
        unit: factor.unit.clone(),
        citation: factor.citation.clone(),
        url: factor.url.clone(),
        licence: factor.licence.clone(),
        verification: factor.verification.clone(),
        region_year: format!("{} · {}", factor.region, factor.year),
    });
    // A supplier footprint taken from one of our own footprints leads on to that footprint.
    let own_footprint = model
        .as_ref()
        .and_then(|version| {
            let input = entered.iter().find(|(key, _)| key == "product").map(|(_, value)| value.clone())?;
            let supplier = version.model.supplier_footprints.iter().find(|supplier| supplier.id == input)?;
            own_footprint_source(&supplier.source)
        })
        .unwrap_or_default();
    let driver = footprint.uncertainty.as_ref().and_then(|spread| {
        spread.drivers.iter().find(|driver| driver.path == line.path).map(|driver| DriverRow {
            path: driver.path.clone(),
            href: String::new(),
            process: driver.process.clone(),
            description: driver.description.clone(),
            distribution: driver_distribution_text(&driver.distribution),
            share: percent(100.0 * driver.variance_share),
            correlation: format!("{:+.2}", driver.rank_correlation),
        })
    });
    let page = LinePage {
        frame: Frame::console(&console, Section::Products, &format!("{} {}", t.provenance, line.path)),
        footprint_id: stored.id.clone(),
        product_name: in_language(t, &footprint.product.name_zh, &footprint.product.name_en),
        model_version: stored.model_version,
        product_id: stored.product_id.clone(),
        path: line.path.clone(),
        description: line.description.clone(),
        facts,
        formula: line.formula.localize(t.language),
        entered,
        gases: line
            .gases
            .iter()
            .map(|gas| GasRow {
                gas: if gas.gas == "CO2e" { t.fp_pre_characterised.to_owned() } else { gas.gas.clone() },
                origin: origin_name(t, gas.origin),
                kg_gas: gas.kg_gas.map(figure).unwrap_or_default(),
                value: number(gas.kg_co2e),
            })
            .collect(),
        factor,
        own_footprint,
        driver,
    };
    render(StatusCode::OK, &page)
}

trait IfEmpty {
    fn if_empty(self, fallback: String) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, fallback: String) -> String {
        if self.is_empty() { fallback } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_opens_and_closes_its_nested_lists() {
        let named = |name: &str| tanji_footprint::NodeName::Process { process: name.into(), product: None };
        let leaf = |name: &str| TreeNode {
            name: named(name),
            kind: "factor".into(),
            amount: 1.0,
            unit: "kg".into(),
            kg_co2e: 0.001,
            children: vec![],
        };
        let root = TreeNode {
            name: named("cup"),
            kind: "product".into(),
            amount: 1.0,
            unit: "unit".into(),
            kg_co2e: 0.02,
            children: vec![
                TreeNode { name: named("board"), kind: "product".into(), children: vec![leaf("pulp")], ..leaf("x") },
                leaf("ink"),
            ],
        };
        let items = tree_items(&crate::i18n::EN, &root, Scale::for_values([0.02]));
        let shape: Vec<(&str, bool, usize)> =
            items.iter().map(|item| (item.name.as_str(), item.opens, item.closes)).collect();
        assert_eq!(shape, [("cup", true, 0), ("board", true, 0), ("pulp", false, 1), ("ink", false, 1)]);
    }

    /// The Sankey names processes and library factors in the page's language, not by their ids or the modeller's
    /// free-text notes (the cup example's notes are English).
    #[test]
    fn the_sankey_names_processes_and_factors_in_the_pages_language() {
        let text = include_str!("../../../../../examples/footprint/bamboo-fibre-cup.toml");
        let model = tanji_footprint::parse_footprint_file(text).unwrap().model;
        let footprint =
            tanji_footprint::compute(&model, tanji_ghg::bundled::factor_library(), tanji_ghg::bundled::gwp_table())
                .unwrap();
        let names = |t: &'static Text| -> Vec<String> {
            let chart = contribution_sankey(t, &footprint, Scale::for_values([footprint.total_kg_co2e]));
            let option: Value = serde_json::from_str(&chart.option_json).unwrap();
            option["baseOption"]["series"][0]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|node| node["label"]["formatter"].as_str().unwrap().to_owned())
                .collect()
        };
        let chinese = names(&crate::i18n::ZH);
        // The packing branch nets to almost nothing after the board's biogenic uptake and is folded by the cut-off.
        for expected in ["竹纤维纸杯", "运输至零售商配送中心", "重型货车"] {
            assert!(chinese.iter().any(|name| name.contains(expected)), "{expected} not in {chinese:?}");
        }
        for note in ["corrugated carton", "truck, Taizhou to Shanghai DC", "packing", "distribution"] {
            assert!(!chinese.iter().any(|name| name == note), "{note} in {chinese:?}");
        }
        let english = names(&crate::i18n::EN);
        assert!(
            english.iter().any(|name| name == "Transport to the retailer's distribution centre")
                && !english.iter().any(|name| name == "truck, Taizhou to Shanghai DC"),
            "{english:?}"
        );
    }

    #[test]
    fn a_path_finds_its_exchange_in_the_stored_model() {
        let model = serde_json::json!({ "processes": [{ "factors": [{ "factor": "a" }, { "factor": "b" }] }] });
        assert_eq!(exchange_at(&model, "processes[0].factors[1]").unwrap()["factor"], "b");
        assert_eq!(exchange_at(&model, "processes[3].factors[1]"), None);
        assert_eq!(exchange_at(&model, "processes[x].factors[1]"), None);
    }

    #[test]
    fn lines_are_filtered_by_stage_process_and_origin() {
        let text = include_str!("../../../../../examples/footprint/bamboo-fibre-cup.toml");
        let model = tanji_footprint::parse_footprint_file(text).unwrap().model;
        let footprint =
            tanji_footprint::compute(&model, tanji_ghg::bundled::factor_library(), tanji_ghg::bundled::gwp_table())
                .unwrap();
        let count = |filter: LineFilter| footprint.lines.iter().filter(|line| filter.admits(line)).count();
        assert_eq!(count(LineFilter::default()), footprint.lines.len());
        let removals = LineFilter { origin: "biogenic_removals".into(), ..LineFilter::default() };
        assert_eq!(count(removals), 1, "only the bamboo's uptake is a removal");
        let packing = LineFilter { process: "packing".into(), ..LineFilter::default() };
        assert_eq!(count(packing), 2);
        let raw = LineFilter { stage: "raw_material".into(), ..LineFilter::default() };
        assert_eq!(count(raw), 5);
    }
}
