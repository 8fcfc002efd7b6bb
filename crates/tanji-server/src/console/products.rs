//! `/console/products`, `/console/footprints`, `/console/publications`: product carbon footprints in the console —
//! products and their baselines, the model (read as a table by life-cycle stage, built in the editor, or uploaded as
//! a footprint file), footprints with every number traced to its exchange and factor, the verifier's sign-off, and
//! carbon-label publications.
//!
//! Footprints are shown in grams of CO2e when every figure of the page is below one kilogram (a paper cup is about
//! 18 g) and in kilograms otherwise, one unit per page so that figures compare at a glance.

mod editor;
mod footprint;

pub use editor::{edit_model, submit_model};
pub use footprint::{line, publish, show_footprint, verify, withdraw};

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_footprint::{
    Assurance, DataKind, DeclaredUnit, FootprintFile, Origin, ProcessModel, ProductModel, Stage, figure,
};
use tanji_store::{Conflict, ModelVersion, NewProduct, Product, Publication, StoreError, StoredFootprint};
use tanji_tenancy::member::Language;
use tanji_tenancy::{FieldError, Permission};

use super::error_page::{ErrorPage, conflict_text};
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use super::inventory::Choice;
use crate::api::products::monte_carlo_request;
use crate::download::attachment;
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// The example footprint files offered to new users (the ones `tanji demo` loads), by file stem.
const EXAMPLES: [(&str, &str); 2] = [
    ("bamboo-fibre-cup", include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml")),
    ("bagasse-plate", include_str!("../../../../examples/footprint/bagasse-plate.toml")),
];

/// Monte Carlo settings the compute form starts with.
const DEFAULT_ITERATIONS: &str = "2000";
const DEFAULT_SEED: &str = "42";

// ── Shared helpers ──────────────────────────────────────────────────────────────────────────────────────────────

fn is_chinese(t: &'static Text) -> bool {
    matches!(t.language, Language::SimplifiedChinese)
}

/// The name in the reader's language, or the other one when that is empty.
pub(super) fn in_language(t: &'static Text, zh: &str, en: &str) -> String {
    let (first, second) = if is_chinese(t) { (zh, en) } else { (en, zh) };
    if first.trim().is_empty() { second.to_owned() } else { first.to_owned() }
}

/// The name in the other language, unless it is empty or the same.
pub(super) fn other_language(t: &'static Text, zh: &str, en: &str) -> String {
    let (first, second) = if is_chinese(t) { (zh, en) } else { (en, zh) };
    if first.trim().is_empty() || first == second { String::new() } else { second.to_owned() }
}

fn stage_name(t: &'static Text, stage: Stage) -> &'static str {
    if is_chinese(t) { stage.name_zh() } else { stage.name_en() }
}

fn data_kind_name(t: &'static Text, kind: DataKind) -> &'static str {
    match kind {
        DataKind::Primary => t.fp_primary,
        DataKind::Secondary => t.fp_secondary,
    }
}

fn origin_name(t: &'static Text, origin: Origin) -> &'static str {
    match origin {
        Origin::Fossil => t.fp_origin_fossil,
        Origin::Biogenic => t.fp_origin_biogenic,
        Origin::LandUseChange => t.fp_origin_luc,
    }
}

/// A figure with four significant digits, no exponent, trailing zeros trimmed: 17.67, -8.613, 0.0007138.
pub fn number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 9) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" { "0".to_owned() } else { text }
}

/// An amount for people: four significant digits, and powers of ten instead of long rows of zeros
/// (6.825 × 10⁻⁶ rather than 6.8250e-6 or 0.000006825).
pub fn amount(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    if (-3..6).contains(&magnitude) {
        return number(value);
    }
    let mantissa = number(value / 10f64.powi(magnitude));
    let superscript: String = magnitude
        .to_string()
        .chars()
        .map(|character| match character {
            '-' => '⁻',
            digit => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][digit.to_digit(10).unwrap_or(0) as usize],
        })
        .collect();
    format!("{mantissa} × 10{superscript}")
}

/// A percentage with one decimal: "65.2 %" (never "-0.0 %").
pub fn percent(value: f64) -> String {
    let text = format!("{:.1}", value + 0.0);
    if text == "-0.0" { "0.0 %".to_owned() } else { format!("{text} %") }
}

fn when(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The unit a page shows footprints in: grams when every figure is below a kilogram, else kilograms.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    grams: bool,
}

impl Scale {
    pub fn for_values(values: impl IntoIterator<Item = f64>) -> Self {
        Self { grams: values.into_iter().all(|kg| kg.abs() < 1.0) }
    }

    pub fn unit(self) -> &'static str {
        if self.grams { "g CO2e" } else { "kg CO2e" }
    }

    pub fn of(self, kg: f64) -> f64 {
        if self.grams { kg * 1000.0 } else { kg }
    }

    pub fn show(self, kg: f64) -> String {
        number(self.of(kg))
    }
}

/// "每只杯" / "per cup", or "per 1 kg" when the model names no unit.
pub(super) fn declared_unit_text(t: &'static Text, unit: &DeclaredUnit) -> String {
    let name = in_language(t, &unit.name_zh, &unit.name_en);
    if name.trim().is_empty() { format!("{} {} {}", t.fp_per, figure(unit.amount), unit.unit) } else { name }
}

/// A problem of a product model as shown next to a form.
#[derive(Clone, Debug)]
pub struct ProblemView {
    pub path: String,
    pub message: String,
    pub hint: String,
}

/// The problems of a model as the console shows them, in the reader's language (`tanji_i18n::footprint`). The
/// engine's fix for an unknown factor sends people to the command line's factor search; the console's own is used.
fn problem_views(t: &'static Text, problems: &tanji_footprint::Problems) -> Vec<ProblemView> {
    use tanji_i18n::Localize as _;
    problems
        .problems
        .iter()
        .map(|problem| ProblemView {
            path: problem.path.clone(),
            message: match problem.line {
                Some(line) => {
                    format!(
                        "{}{}{}",
                        tanji_i18n::footprint::line(line, t.language),
                        t.separator,
                        problem.localize(t.language)
                    )
                }
                None => problem.localize(t.language),
            },
            hint: if matches!(problem.kind, tanji_footprint::ProblemKind::UnknownFactor { .. }) {
                t.fp_hint_find_factor.to_owned()
            } else {
                tanji_i18n::footprint::Hint(&problem.kind).localize(t.language)
            },
        })
        .collect()
}

/// The label of one of this module's form fields, for error messages.
fn field_label(t: &'static Text, field: &str) -> &'static str {
    match field {
        "sku" => t.fp_sku,
        "name_zh" => t.fp_name_zh,
        "name_en" => t.fp_name_en,
        "baseline_product_id" => t.fp_baseline,
        "version" => t.version,
        "monte_carlo.iterations" => t.fp_iterations,
        "seed" => t.fp_seed,
        "verifier_organisation" => t.fp_verifier_organisation,
        "statement" => t.verification_statement,
        "reason" => t.fp_withdraw_reason,
        _ => t.field_label(field),
    }
}

fn field_message(t: &'static Text, error: &FieldError) -> String {
    match t.language {
        Language::SimplifiedChinese => format!("{}：{}", field_label(t, error.field), t.problem(&error.problem)),
        Language::English => format!("{}: {}", field_label(t, error.field), t.problem(&error.problem)),
    }
}

/// A store error on a form of this module: shown next to the form (invalid input, conflicts) or as an error page.
fn form_errors(console: &Console, error: StoreError) -> Outcome {
    let t = console.text();
    let show = |messages: Vec<String>, fields: Vec<&'static str>, status| {
        Outcome::ShowForm(FormErrors { messages, fields }, status)
    };
    match error {
        StoreError::Invalid(field_error) => {
            show(vec![field_message(t, &field_error)], vec![field_error.field], StatusCode::UNPROCESSABLE_ENTITY)
        }
        StoreError::Conflict(Conflict::ProductSku) => {
            show(vec![t.fp_conflict_sku.to_owned()], vec!["sku"], StatusCode::CONFLICT)
        }
        StoreError::Conflict(Conflict::ConcurrentChange) => {
            show(vec![t.fp_conflict_concurrent.to_owned()], vec![], StatusCode::CONFLICT)
        }
        StoreError::Conflict(conflict) => show(
            vec![conflict_text(t, conflict).to_owned()],
            conflict.field().into_iter().collect(),
            StatusCode::CONFLICT,
        ),
        other => Outcome::Page(Box::new(ErrorPage::from_store(&console.web, other))),
    }
}

/// The one-off confirmation named in `?notice=` of this module's pages.
fn notice(console: &Console) -> Option<String> {
    let t = console.text();
    let query = console.web.path.split_once('?')?.1;
    let parameter = |name: &str| {
        form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
    };
    let text = match parameter("notice")?.as_str() {
        "product_created" => t.fp_notice_product_created.to_owned(),
        "example_loaded" => t.fp_notice_example_loaded.to_owned(),
        "baseline_saved" => t.fp_notice_baseline_saved.to_owned(),
        "model_saved" => {
            let version = parameter("version").and_then(|text| text.parse::<i64>().ok()).unwrap_or_default();
            t.fp_notice_model_saved.replace("{version}", &version.to_string())
        }
        "footprint_computed" => t.fp_notice_footprint_computed.to_owned(),
        "footprint_verified" => t.fp_notice_footprint_verified.to_owned(),
        "label_published" => t.fp_notice_label_published.to_owned(),
        "label_withdrawn" => t.fp_notice_label_withdrawn.to_owned(),
        _ => return None,
    };
    Some(text)
}

/// A label publication as listed.
pub struct PublicationRow {
    pub id: String,
    pub product_id: String,
    pub product: String,
    pub footprint_id: String,
    pub code: String,
    pub version: u32,
    pub published: String,
    pub withdrawn: bool,
    pub withdrawn_text: String,
    /// Verified by an independent body.
    pub verified: bool,
    /// Signed off by the organisation's own auditor only.
    pub internal_review: bool,
    /// Whether this is the newest version of its code (the one the QR code shows).
    pub current: bool,
}

impl PublicationRow {
    /// The code as the label and its public page print it (`VWXT-FA1G`).
    pub fn shown_code(&self) -> String {
        crate::label_pages::display_code(&self.code)
    }

    pub fn versioned_href(&self) -> String {
        format!("/l/{}?v={}", self.code, self.version)
    }
}

fn publication_rows(t: &'static Text, publications: &[Publication], products: &[Product]) -> Vec<PublicationRow> {
    publications
        .iter()
        .map(|publication| {
            let latest = publications
                .iter()
                .filter(|other| other.record.code == publication.record.code)
                .map(|other| other.record.version)
                .max()
                .unwrap_or_default();
            PublicationRow {
                id: publication.id.clone(),
                product_id: publication.product_id.clone(),
                product: products
                    .iter()
                    .find(|product| product.id == publication.product_id)
                    .map(|product| format!("{} · {}", product.sku, in_language(t, &product.name_zh, &product.name_en)))
                    .unwrap_or_default(),
                footprint_id: publication.footprint_id.clone(),
                code: publication.record.code.as_str().to_owned(),
                version: publication.record.version,
                published: format!("{} · {}", when(publication.record.published_at), publication.published_by),
                withdrawn: publication.withdrawn_at.is_some(),
                withdrawn_text: match (&publication.withdrawn_at, &publication.withdrawn_reason) {
                    (Some(at), reason) => format!("{} · {}", when(*at), reason.clone().unwrap_or_default()),
                    _ => String::new(),
                },
                verified: publication.assurance() == Assurance::Verified,
                internal_review: publication.assurance() == Assurance::InternalReview,
                current: publication.record.version == latest,
            }
        })
        .collect()
}

// ── The products list ───────────────────────────────────────────────────────────────────────────────────────────

/// A product in the list.
pub struct ProductRow {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub other_name: String,
    pub footprint_id: String,
    pub total: String,
    pub unit: String,
    pub range: String,
    pub reduction: String,
    pub model_version: String,
    pub baseline_id: String,
    pub baseline: String,
    /// `published`, `withdrawn` or empty.
    pub label_state: &'static str,
    pub label_code: String,
    pub label_version: u32,
}

impl ProductRow {
    /// The label's code as the label and its public page print it (`VWXT-FA1G`).
    pub fn shown_label_code(&self) -> String {
        crate::label_pages::display_code(&self.label_code)
    }
}

/// An example file offered on the list page.
pub struct ExampleView {
    pub name: &'static str,
    pub product: String,
    pub baseline: String,
}

fn example_views(t: &'static Text) -> Vec<ExampleView> {
    EXAMPLES
        .iter()
        .filter_map(|(name, text)| {
            let file = tanji_footprint::parse_footprint_file(text).ok()?;
            let baseline =
                file.baseline.as_ref().map(|model| in_language(t, &model.product.name_zh, &model.product.name_en));
            Some(ExampleView {
                name,
                product: in_language(t, &file.model.product.name_zh, &file.model.product.name_en),
                baseline: baseline.unwrap_or_default(),
            })
        })
        .collect()
}

/// The new-product form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct NewProductForm {
    #[serde(default)]
    sku: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
}

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    frame: Frame,
    notice: Option<String>,
    rows: Vec<ProductRow>,
    labels: Vec<PublicationRow>,
    can_edit: bool,
    form: NewProductForm,
    errors: FormErrors,
    examples: Vec<ExampleView>,
    /// Footprints the organisation's suppliers share with it (read-only), when it may see supplier links.
    supplier_rows: Vec<super::supplier_detail::SharedFootprintRow>,
    has_suppliers: bool,
}

async fn products_page(
    state: &AppState,
    console: &Console,
    form: NewProductForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let (products, publications) = match (store.products(actor).await, store.publications(actor).await) {
        (Ok(products), Ok(publications)) => (products, publications),
        (Err(error), _) | (_, Err(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut rows = Vec::with_capacity(products.len());
    for product in &products {
        let latest = match store.latest_footprint(actor, &product.id).await {
            Ok(latest) => latest,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        let newest_publication = publications
            .iter()
            .filter(|publication| publication.product_id == product.id)
            .max_by_key(|publication| publication.record.version);
        let baseline =
            product.baseline_product_id.as_ref().and_then(|id| products.iter().find(|other| other.id == *id));
        let mut row = ProductRow {
            id: product.id.clone(),
            sku: product.sku.clone(),
            name: in_language(t, &product.name_zh, &product.name_en),
            other_name: other_language(t, &product.name_zh, &product.name_en),
            footprint_id: String::new(),
            total: String::new(),
            unit: String::new(),
            range: String::new(),
            reduction: String::new(),
            model_version: product.latest_model_version.map(|version| format!("v{version}")).unwrap_or_default(),
            baseline_id: baseline.map(|baseline| baseline.id.clone()).unwrap_or_default(),
            baseline: baseline.map(|baseline| in_language(t, &baseline.name_zh, &baseline.name_en)).unwrap_or_default(),
            label_state: match newest_publication {
                Some(publication) if publication.withdrawn_at.is_some() => "withdrawn",
                Some(_) => "published",
                None => "",
            },
            label_code: newest_publication
                .map(|publication| publication.record.code.as_str().to_owned())
                .unwrap_or_default(),
            label_version: newest_publication.map(|publication| publication.record.version).unwrap_or_default(),
        };
        if let Some(stored) = &latest {
            let footprint = &stored.footprint;
            let scale = Scale::for_values([footprint.total_kg_co2e]);
            row.footprint_id = stored.id.clone();
            row.total = scale.show(footprint.total_kg_co2e);
            row.unit = format!("{} {}", scale.unit(), declared_unit_text(t, &footprint.product.declared_unit));
            row.range = footprint
                .uncertainty
                .as_ref()
                .filter(|spread| spread.uncertain_exchanges > 0)
                .map(|spread| format!("{} – {}", scale.show(spread.p2_5_kg_co2e), scale.show(spread.p97_5_kg_co2e)))
                .unwrap_or_default();
            row.reduction =
                stored.comparison.as_ref().map(|comparison| percent(comparison.reduction_percent)).unwrap_or_default();
        }
        rows.push(row);
    }
    // What suppliers share: a customer's own product list is often empty, its products being made by suppliers.
    let (supplier_rows, has_suppliers) = if actor.may(Permission::ViewSupplierLinks) {
        let shared = match store.shared_footprints(actor).await {
            Ok(shared) => shared,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        let has_suppliers = match store.list_supplier_links(actor, false).await {
            Ok(links) => links.iter().any(|link| link.customer.id == actor.organisation_id),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        (super::supplier_detail::shared_footprint_rows(t, &shared), has_suppliers)
    } else {
        (Vec::new(), false)
    };
    let page = ProductsPage {
        supplier_rows,
        has_suppliers,
        frame: Frame::console(console, Section::Products, t.fp_products_title),
        notice: notice(console),
        rows,
        labels: publication_rows(t, &publications, &products),
        can_edit: actor.may(Permission::EditFootprints),
        form,
        errors,
        examples: example_views(t),
    };
    render(status, &page)
}

/// `GET /console/products`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    products_page(&state, &console, NewProductForm::default(), FormErrors::none(), StatusCode::OK).await
}

/// `POST /console/products`: a new product, then its page (where its model is built).
pub async fn create(State(state): State<AppState>, console: Console, Form(form): Form<NewProductForm>) -> Response {
    let new = NewProduct { sku: form.sku.clone(), name_zh: form.name_zh.clone(), name_en: form.name_en.clone() };
    match state.store().create_product(console.actor(), &new).await {
        Ok(product) => {
            Redirect::to(&format!("/console/products/{}?notice=product_created", product.id)).into_response()
        }
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => products_page(&state, &console, form, errors, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// Which example to load.
#[derive(Debug, Deserialize)]
pub struct ExampleForm {
    #[serde(default)]
    name: String,
}

/// `POST /console/products/examples`: creates an example product and its baseline product from the example file,
/// each with its model and footprint (the product's compared with the baseline's, with Monte Carlo), all at once or
/// not at all, and opens the product. A second load finds the SKUs taken and says so.
pub async fn load_example(State(state): State<AppState>, console: Console, Form(form): Form<ExampleForm>) -> Response {
    let t = console.text();
    let Some((name, text)) = EXAMPLES.iter().find(|(name, _)| *name == form.name) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let file = match tanji_footprint::parse_footprint_file(text) {
        Ok(file) => file,
        Err(problems) => return ErrorPage::internal(&console.web, &problems).into_response(),
    };
    let note = t.fp_example_note.replace("{file}", &format!("examples/footprint/{name}.toml"));
    // The product with its 95 % range, as the compute form would by default; the baseline as it stands.
    let loaded = match monte_carlo_request(2_000, 42) {
        Ok(spread) => state.store().create_product_from_file(console.actor(), &file, &note, Some(spread)).await,
        Err(error) => Err(error.into()),
    };
    match loaded {
        Ok(product) => Redirect::to(&format!("/console/products/{}?notice=example_loaded", product.id)).into_response(),
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                products_page(&state, &console, NewProductForm::default(), errors, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `GET /console/products/examples/{name}.toml`: an example footprint file.
pub async fn example_file(console: Console, Path(file): Path<String>) -> Response {
    let Some((name, text)) =
        EXAMPLES.iter().find(|(name, _)| file.strip_suffix(".toml").is_some_and(|stem| stem == *name))
    else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    toml_download(&format!("{name}.toml"), text.to_string())
}

fn toml_download(file_name: &str, text: String) -> Response {
    attachment("application/toml; charset=utf-8", file_name, text)
}

// ── The model as a readable table, by life-cycle stage ──────────────────────────────────────────────────────────

/// One exchange of a process.
pub struct ExchangeRow {
    pub kind: &'static str,
    pub item: String,
    pub amount: String,
    /// A factor id (links to the factor browser), a product or supplier footprint id, or words (origin, approach).
    pub source: String,
    pub factor_id: String,
    /// Whether `source` is an id (shown as code) rather than words.
    pub source_is_id: bool,
}

/// A process with its exchanges.
pub struct ProcessBlock {
    pub id: String,
    pub name: String,
    pub other_name: String,
    pub data: &'static str,
    pub quality: String,
    pub output: String,
    pub reference: bool,
    pub rows: Vec<ExchangeRow>,
}

/// A life-cycle stage with its processes.
pub struct StageBlock {
    pub name: &'static str,
    pub processes: Vec<ProcessBlock>,
}

fn factor_id_of(reference: &str) -> String {
    reference.split('@').next().unwrap_or_default().to_owned()
}

fn quality_text(process: &ProcessModel) -> String {
    process
        .quality
        .map(|quality| format!("{}/{}/{}", quality.technological, quality.temporal, quality.geographical))
        .unwrap_or_default()
}

fn process_block(t: &'static Text, model: &ProductModel, process: &ProcessModel) -> ProcessBlock {
    let mut rows = Vec::new();
    for input in &process.inputs {
        let supplier = model.supplier_footprints.iter().find(|supplier| supplier.id == input.product);
        rows.push(ExchangeRow {
            kind: if supplier.is_some() { t.fp_kind_supplier } else { t.fp_kind_input },
            item: match supplier {
                Some(supplier) if input.note.is_empty() => in_language(t, &supplier.name_zh, &supplier.name_en),
                _ => input.note.clone(),
            },
            amount: format!("{} {}", figure(input.amount), input.unit),
            source: input.product.clone(),
            factor_id: String::new(),
            source_is_id: true,
        });
    }
    for usage in &process.factors {
        rows.push(ExchangeRow {
            kind: t.fp_kind_factor,
            item: usage.note.clone(),
            amount: format!("{} {}", figure(usage.amount), usage.unit),
            source: usage.factor.clone(),
            factor_id: factor_id_of(&usage.factor),
            source_is_id: true,
        });
    }
    for leg in &process.transport {
        rows.push(ExchangeRow {
            kind: t.fp_kind_transport,
            item: leg.note.clone(),
            amount: format!("{} kg × {} km", figure(leg.mass_kg), figure(leg.distance_km)),
            source: leg.factor.clone(),
            factor_id: factor_id_of(&leg.factor),
            source_is_id: true,
        });
    }
    for emission in &process.emissions {
        rows.push(ExchangeRow {
            kind: t.fp_kind_emission,
            item: emission.note.clone(),
            amount: format!("{} kg {}", figure(emission.kg), emission.gas),
            source: origin_name(t, emission.origin).to_owned(),
            factor_id: String::new(),
            source_is_id: false,
        });
    }
    for output in &process.to_recycling {
        rows.push(ExchangeRow {
            kind: t.fp_kind_recycling,
            item: output.material.clone(),
            amount: format!("{} kg", figure(output.kg)),
            source: t.fp_cut_off_approach.to_owned(),
            factor_id: String::new(),
            source_is_id: false,
        });
    }
    ProcessBlock {
        id: process.id.clone(),
        name: in_language(t, &process.name_zh, &process.name_en),
        other_name: other_language(t, &process.name_zh, &process.name_en),
        data: data_kind_name(t, process.data),
        quality: quality_text(process),
        output: process
            .outputs
            .iter()
            .map(|output| format!("{} {} {}", figure(output.amount), output.unit, output.product))
            .collect::<Vec<_>>()
            .join(" + "),
        reference: process.id == model.reference_process,
        rows,
    }
}

fn stage_blocks(t: &'static Text, model: &ProductModel) -> Vec<StageBlock> {
    Stage::ALL
        .into_iter()
        .map(|stage| StageBlock {
            name: stage_name(t, stage),
            processes: model
                .processes
                .iter()
                .filter(|process| process.stage == stage)
                .map(|process| process_block(t, model, process))
                .collect(),
        })
        .filter(|block| !block.processes.is_empty())
        .collect()
}

/// A labelled fact.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

fn model_facts(t: &'static Text, model: &ProductModel) -> Vec<Fact> {
    let product = &model.product;
    vec![
        Fact {
            label: t.fp_declared_unit,
            value: format!(
                "{} {} · {}",
                figure(product.declared_unit.amount),
                tanji_i18n::footprint::unit_symbol(&product.declared_unit.unit, t.language),
                declared_unit_text(t, &product.declared_unit)
            ),
        },
        Fact { label: t.fp_mass, value: format!("{} kg", figure(product.mass_per_declared_unit_kg)) },
        Fact {
            label: t.fp_reference_period,
            value: format!("{} – {}", product.reference_period_start, product.reference_period_end),
        },
        Fact { label: t.fp_geography, value: product.geography.clone() },
        Fact { label: t.gwp_set, value: model.gwp.clone() },
        Fact { label: t.fp_reference_process, value: model.reference_process.clone() },
        Fact {
            label: t.fp_cut_off,
            value: t
                .fp_cut_off_text
                .replace("{max}", &figure(model.cut_off.max_exempted_percent))
                .replace("{tree}", &figure(model.cut_off.tree_threshold_percent)),
        },
    ]
}

/// A supplier footprint used as an input.
pub struct SupplierRow {
    pub id: String,
    pub name: String,
    pub supplier: String,
    pub per_unit: String,
    pub source: String,
    /// The footprint it was taken from, when it is one of ours.
    pub footprint_id: String,
}

fn supplier_rows(t: &'static Text, model: &ProductModel) -> Vec<SupplierRow> {
    model
        .supplier_footprints
        .iter()
        .map(|supplier| {
            let total = supplier.fossil_kg_co2e
                + supplier.biogenic_emissions_kg_co2e
                + supplier.biogenic_removals_kg_co2e
                + supplier.land_use_change_kg_co2e;
            SupplierRow {
                id: supplier.id.clone(),
                name: in_language(t, &supplier.name_zh, &supplier.name_en),
                supplier: supplier.supplier.clone(),
                per_unit: format!("{} kg CO2e/{}", figure(total), supplier.unit),
                source: supplier.source.clone(),
                footprint_id: own_footprint_source(&supplier.source).unwrap_or_default(),
            }
        })
        .collect()
}

/// The footprint id of a supplier footprint taken from one of the organisation's own footprints.
pub fn own_footprint_source(source: &str) -> Option<String> {
    source.strip_prefix(editor::OWN_FOOTPRINT_SOURCE).map(|id| id.trim().to_owned()).filter(|id| !id.is_empty())
}

// ── The product page ────────────────────────────────────────────────────────────────────────────────────────────

/// The compute form as typed.
#[derive(Debug, Deserialize)]
pub struct ComputeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    monte_carlo: Option<String>,
    #[serde(default)]
    iterations: String,
    #[serde(default)]
    seed: String,
}

impl Default for ComputeForm {
    fn default() -> Self {
        Self {
            version: String::new(),
            monte_carlo: Some("on".to_owned()),
            iterations: DEFAULT_ITERATIONS.to_owned(),
            seed: DEFAULT_SEED.to_owned(),
        }
    }
}

/// What the product page's forms show after a refused submission.
#[derive(Default)]
struct ProductForms {
    compute: ComputeForm,
    compute_errors: FormErrors,
    compute_problems: Vec<ProblemView>,
    upload_note: String,
    upload_problems: Vec<ProblemView>,
    baseline_errors: FormErrors,
}

/// A model version in the history.
pub struct VersionRow {
    pub version: i64,
    pub note: String,
    pub created: String,
    pub n_processes: usize,
}

/// A footprint in the product's history.
pub struct FootprintRow {
    pub id: String,
    pub model_version: i64,
    pub total: String,
    pub range: String,
    pub reduction: String,
    pub computed: String,
    /// Verified by an independent body.
    pub verified: bool,
    /// Signed off by the organisation's own auditor only.
    pub internal_review: bool,
    pub published: String,
}

/// The product's newest footprint, as the page's headline.
pub struct Headline {
    pub footprint_id: String,
    pub total: String,
    pub unit: String,
    pub per: String,
    pub range: String,
    pub reduction: String,
    pub model_version: i64,
}

#[derive(Template)]
#[template(path = "products_item.html")]
struct ProductPage {
    frame: Frame,
    notice: Option<String>,
    id: String,
    sku: String,
    name: String,
    other_name: String,
    can_edit: bool,
    can_publish: bool,
    headline: Option<Headline>,
    baseline_id: String,
    baseline_name: String,
    baseline_choices: Vec<Choice>,
    versions: Vec<VersionRow>,
    current_version: i64,
    stages: Vec<StageBlock>,
    facts: Vec<Fact>,
    suppliers: Vec<SupplierRow>,
    exemptions: Vec<Fact>,
    footprints: Vec<FootprintRow>,
    publications: Vec<PublicationRow>,
    version_choices: Vec<Choice>,
    forms: ProductForms,
}

async fn product_page(
    state: &AppState,
    console: &Console,
    id: &str,
    forms: ProductForms,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let product = match store.product(actor, id).await {
        Ok(product) => product,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let loaded = async {
        Ok::<_, StoreError>((
            store.products(actor).await?,
            store.model_versions(actor, id).await?,
            store.footprints(actor, id).await?,
            store.publications(actor).await?,
        ))
    }
    .await;
    let (products, versions, footprints, publications) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let publications: Vec<Publication> =
        publications.into_iter().filter(|publication| publication.product_id == product.id).collect();
    let current: Option<&ModelVersion> = versions.first();
    let headline = footprints.first().map(|stored| headline(t, stored));
    let footprint_rows = footprints
        .iter()
        .map(|stored| {
            let footprint = &stored.footprint;
            let scale = Scale::for_values([footprint.total_kg_co2e]);
            FootprintRow {
                id: stored.id.clone(),
                model_version: stored.model_version,
                total: format!("{} {}", scale.show(footprint.total_kg_co2e), scale.unit()),
                range: footprint
                    .uncertainty
                    .as_ref()
                    .filter(|spread| spread.uncertain_exchanges > 0)
                    .map(|spread| format!("{} – {}", scale.show(spread.p2_5_kg_co2e), scale.show(spread.p97_5_kg_co2e)))
                    .unwrap_or_default(),
                reduction: stored
                    .comparison
                    .as_ref()
                    .map(|comparison| percent(comparison.reduction_percent))
                    .unwrap_or_default(),
                computed: format!("{} · {}", when(stored.computed_at), stored.computed_by),
                verified: stored.assurance() == Assurance::Verified,
                internal_review: stored.assurance() == Assurance::InternalReview,
                published: publications
                    .iter()
                    .filter(|publication| publication.footprint_id == stored.id)
                    .map(|publication| format!("{} v{}", publication.record.code, publication.record.version))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect();
    let baseline = product.baseline_product_id.as_ref().and_then(|id| products.iter().find(|other| other.id == *id));
    let mut baseline_choices =
        vec![Choice { value: String::new(), label: t.fp_no_baseline.to_owned(), selected: baseline.is_none() }];
    baseline_choices.extend(products.iter().filter(|other| other.id != product.id).map(|other| Choice {
        value: other.id.clone(),
        label: format!("{} · {}", other.sku, in_language(t, &other.name_zh, &other.name_en)),
        selected: baseline.is_some_and(|baseline| baseline.id == other.id),
    }));
    let mut version_choices = vec![Choice {
        value: String::new(),
        label: t.fp_latest_version.to_owned(),
        selected: forms.compute.version.is_empty(),
    }];
    version_choices.extend(versions.iter().map(|version| Choice {
        value: version.version.to_string(),
        label: format!("v{}", version.version),
        selected: forms.compute.version == version.version.to_string(),
    }));
    let page = ProductPage {
        frame: Frame::console(console, Section::Products, &format!("{} · {}", product.sku, t.fp_products_title)),
        notice: notice(console),
        id: product.id.clone(),
        sku: product.sku.clone(),
        name: in_language(t, &product.name_zh, &product.name_en),
        other_name: other_language(t, &product.name_zh, &product.name_en),
        can_edit: actor.may(Permission::EditFootprints),
        can_publish: actor.may(Permission::PublishLabels),
        headline,
        baseline_id: baseline.map(|baseline| baseline.id.clone()).unwrap_or_default(),
        baseline_name: baseline
            .map(|baseline| format!("{} · {}", baseline.sku, in_language(t, &baseline.name_zh, &baseline.name_en)))
            .unwrap_or_default(),
        baseline_choices,
        versions: versions
            .iter()
            .map(|version| VersionRow {
                version: version.version,
                note: version.note.clone(),
                created: format!("{} · {}", when(version.created_at), version.created_by),
                n_processes: version.model.processes.len(),
            })
            .collect(),
        current_version: current.map(|version| version.version).unwrap_or_default(),
        stages: current.map(|version| stage_blocks(t, &version.model)).unwrap_or_default(),
        facts: current.map(|version| model_facts(t, &version.model)).unwrap_or_default(),
        suppliers: current.map(|version| supplier_rows(t, &version.model)).unwrap_or_default(),
        exemptions: current
            .map(|version| {
                version
                    .model
                    .exempted
                    .iter()
                    .map(|item| Fact {
                        label: stage_name(t, item.stage),
                        value: format!("{} — ≤ {} kg CO2e — {}", item.name, figure(item.estimate_kg_co2e), item.reason),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        footprints: footprint_rows,
        publications: publication_rows(t, &publications, &products),
        version_choices,
        forms,
    };
    render(status, &page)
}

fn headline(t: &'static Text, stored: &StoredFootprint) -> Headline {
    let footprint = &stored.footprint;
    let scale = Scale::for_values([footprint.total_kg_co2e]);
    Headline {
        footprint_id: stored.id.clone(),
        total: scale.show(footprint.total_kg_co2e),
        unit: scale.unit().to_owned(),
        per: declared_unit_text(t, &footprint.product.declared_unit),
        range: footprint
            .uncertainty
            .as_ref()
            .filter(|spread| spread.uncertain_exchanges > 0)
            .map(|spread| {
                format!("{} – {} {}", scale.show(spread.p2_5_kg_co2e), scale.show(spread.p97_5_kg_co2e), scale.unit())
            })
            .unwrap_or_default(),
        reduction: stored
            .comparison
            .as_ref()
            .map(|comparison| {
                format!(
                    "{} {} ({})",
                    scale.show(comparison.reduction_kg_co2e),
                    scale.unit(),
                    percent(comparison.reduction_percent)
                )
            })
            .unwrap_or_default(),
        model_version: stored.model_version,
    }
}

/// `GET /console/products/{id}`.
pub async fn show(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    product_page(&state, &console, &id, ProductForms::default(), StatusCode::OK).await
}

/// The baseline form.
#[derive(Debug, Deserialize)]
pub struct BaselineForm {
    #[serde(default)]
    baseline_product_id: String,
}

/// `POST /console/products/{id}/baseline`.
pub async fn set_baseline(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<BaselineForm>,
) -> Response {
    let baseline = Some(form.baseline_product_id.trim()).filter(|baseline| !baseline.is_empty());
    match state.store().set_baseline(console.actor(), &id, baseline).await {
        Ok(_) => Redirect::to(&format!("/console/products/{id}?notice=baseline_saved#baseline")).into_response(),
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                let forms = ProductForms { baseline_errors: errors, ..ProductForms::default() };
                product_page(&state, &console, &id, forms, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/products/{id}/compute`: a footprint of a model version, optionally with Monte Carlo.
pub async fn compute(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ComputeForm>,
) -> Response {
    let t = console.text();
    let refuse = |error: FieldError, form: ComputeForm| {
        let errors = FormErrors { messages: vec![field_message(t, &error)], fields: vec![error.field] };
        ProductForms { compute: form, compute_errors: errors, ..ProductForms::default() }
    };
    let version = match form.version.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(version) if version >= 1 => Some(version),
            _ => {
                let error = FieldError::new("version", tanji_tenancy::Problem::Incorrect);
                return product_page(&state, &console, &id, refuse(error, form), StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        },
    };
    let request = if form.monte_carlo.is_some() {
        let iterations = form.iterations.trim().replace([',', '_'], "").parse::<usize>();
        let seed = match form.seed.trim() {
            "" => Ok(42),
            text => text.parse::<u64>(),
        };
        let checked = match (iterations, seed) {
            (Ok(iterations), Ok(seed)) => monte_carlo_request(iterations, seed),
            (Err(_), _) => Err(FieldError::new(
                "monte_carlo.iterations",
                tanji_tenancy::Problem::OutOfRange { min: "100", max: "20000" },
            )),
            (_, Err(_)) => {
                Err(FieldError::new("seed", tanji_tenancy::Problem::Malformed { expected: "a whole number" }))
            }
        };
        match checked {
            Ok(request) => Some(request),
            Err(error) => {
                return product_page(&state, &console, &id, refuse(error, form), StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        }
    } else {
        None
    };
    match state.store().compute_footprint(console.actor(), &id, version, request).await {
        Ok(stored) => {
            Redirect::to(&format!("/console/footprints/{}?notice=footprint_computed", stored.id)).into_response()
        }
        Err(StoreError::ModelProblems(problems)) => {
            let forms = ProductForms {
                compute: form,
                compute_problems: problem_views(t, &problems),
                ..ProductForms::default()
            };
            product_page(&state, &console, &id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => match form_errors(&console, error) {
            Outcome::ShowForm(errors, status) => {
                let forms = ProductForms { compute: form, compute_errors: errors, ..ProductForms::default() };
                product_page(&state, &console, &id, forms, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// The `file` and `note` fields of the upload form; `None` when the body cannot be read (e.g. too large).
async fn read_model_upload(multipart: &mut Multipart) -> Option<(Vec<u8>, String)> {
    let mut bytes = Vec::new();
    let mut note = String::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => bytes = field.bytes().await.ok()?.to_vec(),
                Some("note") => note = field.text().await.ok()?,
                _ => {}
            },
            Ok(None) => return Some((bytes, note)),
            Err(_) => return None,
        }
    }
}

/// `POST /console/products/{id}/upload`: a footprint file (TOML) saved as the next model version.
pub async fn upload(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let Some((bytes, note)) = read_model_upload(&mut multipart).await else {
        return ErrorPage::payload_too_large(&console.web).into_response();
    };
    match state.store().save_model_file(console.actor(), &id, &bytes, &note).await {
        Ok(version) => {
            Redirect::to(&format!("/console/products/{id}?notice=model_saved&version={}#model", version.version))
                .into_response()
        }
        Err(StoreError::ModelProblems(problems)) => {
            let forms = ProductForms {
                upload_note: note,
                upload_problems: problem_views(console.text(), &problems),
                ..ProductForms::default()
            };
            product_page(&state, &console, &id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// Which model version to download.
#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// `GET /console/products/{id}/model.toml?version=N`: a model version as a footprint file.
pub async fn download_model(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Response {
    if query.version.is_some_and(|version| version < 1) {
        return ErrorPage::not_found(&console.web).into_response();
    }
    let version = match state.store().model_version(console.actor(), &id, query.version).await {
        Ok(version) => version,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    match tanji_footprint::write_footprint_file(&FootprintFile { model: version.model.clone(), baseline: None }) {
        Ok(text) => {
            // Comment lines end at a line break: none may come from stored text (records older than the field
            // rules may hold one).
            let one_line = |text: &str| text.replace(|character: char| character.is_control(), " ");
            let header_comment = format!(
                "# {} v{} — {} · {}\n# {}\n\n",
                one_line(version.model.product.sku.as_str()),
                version.version,
                when(version.created_at),
                one_line(&version.created_by),
                one_line(&version.note)
            );
            toml_download(&format!("{}-v{}.toml", version.model.product.sku, version.version), header_comment + &text)
        }
        Err(error) => ErrorPage::internal(&console.web, &error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(number(0.0176668 * 1000.0), "17.67");
        assert_eq!(number(-8.61272), "-8.613");
        assert_eq!(number(0.000713805), "0.0007138");
        assert_eq!(number(12345.6), "12346");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.00000000001), "0");
        assert_eq!(percent(-0.0), "0.0 %");
        assert_eq!(percent(-0.04), "0.0 %");
        assert_eq!(percent(25.21), "25.2 %");
        assert_eq!(amount(6.825e-6), "6.825 × 10⁻⁶");
        assert_eq!(amount(-0.0152072), "-0.01521");
        assert_eq!(amount(12_345_678.0), "1.235 × 10⁷");
    }

    #[test]
    fn a_cup_is_shown_in_grams_and_a_sofa_in_kilograms() {
        let cup = Scale::for_values([0.0176668, 0.023609]);
        assert_eq!((cup.unit(), cup.show(0.0176668)), ("g CO2e", "17.67".to_owned()));
        let sofa = Scale::for_values([0.5, 212.0]);
        assert_eq!((sofa.unit(), sofa.show(212.0)), ("kg CO2e", "212".to_owned()));
    }

    #[test]
    fn the_example_files_parse() {
        for (name, text) in EXAMPLES {
            let file =
                tanji_footprint::parse_footprint_file(text).unwrap_or_else(|problems| panic!("{name}: {problems}"));
            assert!(file.baseline.is_some(), "{name} has a baseline to compare with");
        }
    }
}
