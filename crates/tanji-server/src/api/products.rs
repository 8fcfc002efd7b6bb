//! `/api/v1/products`, `/api/v1/footprints`, `/api/v1/publications`: product carbon footprints — products and their
//! baselines, immutable model versions (JSON, or the TOML of a footprint file), footprints computed from a pinned
//! version (optionally with Monte Carlo), the verifier's sign-off, and carbon-label publications.

use std::num::NonZeroUsize;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tanji_footprint::{MonteCarloRequest, ProductModel};
use tanji_store::{NewProduct, Product, Publication, StoredFootprint};
use tanji_tenancy::{FieldError, Problem};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiActor;
use super::extract::{ApiJson, ApiQuery};
use crate::error::{ApiError, ErrorBody};
use crate::links::base_url;
use crate::state::AppState;

/// The most Monte Carlo iterations one request may ask for: 20,000 keeps a footprint of a few hundred exchanges well
/// inside the request timeout, and the 95 % interval is stable long before that.
pub const MAX_MONTE_CARLO_ITERATIONS: usize = 20_000;
/// The fewest iterations that give a 2.5th and 97.5th percentile worth reporting.
pub const MIN_MONTE_CARLO_ITERATIONS: usize = 100;

/// A product as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    pub id: String,
    #[schema(example = "RH-CUP-BF-250")]
    pub sku: String,
    #[schema(example = "竹纤维纸杯 250 ml")]
    pub name_zh: String,
    #[schema(example = "Bamboo-fibre paper cup 250 ml")]
    pub name_en: String,
    /// The conventional product this one is compared with.
    pub baseline_product_id: Option<String>,
    pub created_at: jiff::Timestamp,
    pub created_by: String,
    /// The newest saved model version, if any.
    pub latest_model_version: Option<i64>,
    /// The newest footprint, if one was computed.
    pub latest_footprint: Option<LatestFootprintView>,
    /// The carbon label, once published.
    pub label: Option<LabelLinks>,
}

/// The newest footprint of a product.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestFootprintView {
    pub id: String,
    /// kg CO2e per declared unit.
    pub total_kg_co2e: f64,
}

/// Where a published label can be seen.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelLinks {
    /// The label's short code, printed under its QR code.
    #[schema(example = "7XK2M9QP")]
    pub code: String,
    /// The public footprint page the QR code opens.
    pub page_url: String,
    /// The label artwork, print-ready SVG.
    pub svg_url: String,
    /// The label artwork as PNG.
    pub png_url: String,
}

/// The public links of a label code.
pub fn label_links(base: &str, code: &str) -> LabelLinks {
    LabelLinks {
        code: code.to_owned(),
        page_url: format!("{base}/l/{code}"),
        svg_url: format!("{base}/l/{code}/label.svg"),
        png_url: format!("{base}/l/{code}/label.png"),
    }
}

fn product_view(product: Product, base: &str) -> ProductView {
    ProductView {
        label: product.label_code.as_deref().map(|code| label_links(base, code)),
        id: product.id,
        sku: product.sku,
        name_zh: product.name_zh,
        name_en: product.name_en,
        baseline_product_id: product.baseline_product_id,
        created_at: product.created_at,
        created_by: product.created_by,
        latest_model_version: product.latest_model_version,
        latest_footprint: product.latest_footprint.map(|(id, total_kg_co2e)| LatestFootprintView { id, total_kg_co2e }),
    }
}

/// A new product.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProductBody {
    /// Unique within the organisation.
    pub sku: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
}

/// The organisation's products, by SKU.
#[utoipa::path(get, path = "/api/v1/products", tag = "product footprints",
    responses((status = 200, body = Vec<ProductView>), (status = 401, body = ErrorBody)))]
pub async fn list_products(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ProductView>>, ApiError> {
    let base = base_url(&state);
    let products = state.store().products(&actor).await?;
    Ok(Json(products.into_iter().map(|product| product_view(product, &base)).collect()))
}

/// Creates a product (owners and editors, `write` scope). A SKU the organisation already uses is
/// `product_sku_taken` (409).
#[utoipa::path(post, path = "/api/v1/products", tag = "product footprints", request_body = NewProductBody,
    responses((status = 201, body = ProductView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_product(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewProductBody>,
) -> Result<(StatusCode, Json<ProductView>), ApiError> {
    let new = NewProduct { sku: body.sku, name_zh: body.name_zh, name_en: body.name_en };
    let product = state.store().create_product(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(product_view(product, &base_url(&state)))))
}

/// One product.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "product footprints", params(("id" = String, Path)),
    responses((status = 200, body = ProductView), (status = 404, body = ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    let product = state.store().product(&actor, &id).await?;
    Ok(Json(product_view(product, &base_url(&state))))
}

/// The baseline to compare a product with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineBody {
    /// Another product of the organisation, or `null` to compare with nothing.
    pub baseline_product_id: Option<String>,
}

/// Sets (or clears, with `null`) the conventional product a product's footprints are compared with. The comparison
/// uses the baseline's latest footprint at the time a footprint is computed. Owners and editors.
#[utoipa::path(put, path = "/api/v1/products/{id}/baseline", tag = "product footprints",
    params(("id" = String, Path)), request_body = BaselineBody,
    responses((status = 200, body = ProductView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_baseline(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BaselineBody>,
) -> Result<Json<ProductView>, ApiError> {
    let baseline = body.baseline_product_id.as_deref().map(str::trim).filter(|id| !id.is_empty());
    let product = state.store().set_baseline(&actor, &id, baseline).await?;
    Ok(Json(product_view(product, &base_url(&state))))
}

/// A saved model version as the API shows it.
fn model_version_json(version: &tanji_store::ModelVersion) -> Value {
    json!({
        "id": version.id,
        "product_id": version.product_id,
        "version": version.version,
        "note": version.note,
        "created_at": version.created_at,
        "created_by": version.created_by,
        "model": version.model,
    })
}

/// A product's model versions, newest first.
#[utoipa::path(get, path = "/api/v1/products/{id}/models", tag = "product footprints", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn list_models(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    // The product first: another organisation's product is 404, not an empty list.
    state.store().product(&actor, &id).await?;
    let versions = state.store().model_versions(&actor, &id).await?;
    Ok(Json(Value::Array(versions.iter().map(model_version_json).collect())))
}

/// A model version to save, as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveModelBody {
    /// The product model: the fields of a footprint file (docs/footprint-file.md) as JSON.
    #[schema(value_type = Object)]
    pub model: ProductModel,
    /// What changed, for the version history.
    #[serde(default)]
    pub note: String,
}

/// Options of a model saved as TOML.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SaveModelQuery {
    /// What changed, for the version history (TOML bodies only; JSON bodies carry `note`).
    #[serde(default)]
    pub note: String,
}

/// Whether a request's body is TOML (`application/toml`, `text/toml`, `text/x-toml`).
fn is_toml(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| {
            matches!(media_type.trim().to_ascii_lowercase().as_str(), "application/toml" | "text/toml" | "text/x-toml")
        })
}

/// Saves a new, immutable version of a product's model (owners and editors, `write` scope). The model is checked
/// against the organisation's factor library first; factor references are pinned to the versions used. The body is
/// JSON `{"model": {…}, "note": "…"}`, or a footprint file's TOML with `Content-Type: application/toml` (`?note=`).
/// A model with problems is `model_invalid` (422) with every problem's `path`, `message` and `hint`; a TOML file is
/// read as `tanji footprint compute` reads it, so its file problems and its model problems come in one answer.
#[utoipa::path(post, path = "/api/v1/products/{id}/models", tag = "product footprints",
    params(("id" = String, Path), SaveModelQuery),
    request_body(content(
        (SaveModelBody = "application/json"),
        (String = "application/toml"),
    )),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_model(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SaveModelQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let version = if is_toml(&headers) {
        state.store().save_model_file(&actor, &id, &body, &query.note).await?
    } else {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad_request(
                "send the model as JSON with `Content-Type: application/json`, or a footprint file with \
                 `Content-Type: application/toml`",
            ));
        }
        let body: SaveModelBody = serde_json::from_slice(&body)
            .map_err(|error| ApiError::bad_request(format!("the body is not a model version: {error}")))?;
        state.store().save_model(&actor, &id, &body.model, &body.note).await?
    };
    Ok((StatusCode::CREATED, Json(model_version_json(&version))))
}

/// A version number in a path: 1, 2, 3 … Anything else names nothing.
fn version_number(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|version| *version >= 1)
}

/// One model version.
#[utoipa::path(get, path = "/api/v1/products/{id}/models/{version}", tag = "product footprints",
    params(("id" = String, Path), ("version" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_model(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let version = version_number(&version).ok_or_else(ApiError::not_found)?;
    let model = state.store().model_version(&actor, &id, Some(version)).await?;
    Ok(Json(model_version_json(&model)))
}

/// A Monte Carlo run to add to a footprint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloBody {
    /// 100 to 20,000.
    #[schema(example = 2000)]
    pub iterations: usize,
    /// The random seed; the same seed gives the same result (default 42).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_seed() -> u64 {
    42
}

/// How to compute a footprint.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComputeFootprintBody {
    /// The model version to compute (default: the latest).
    pub version: Option<i64>,
    /// Add the spread by Monte Carlo simulation.
    pub monte_carlo: Option<MonteCarloBody>,
}

/// A Monte Carlo request within the limits, using the machine's cores.
pub fn monte_carlo_request(iterations: usize, seed: u64) -> Result<MonteCarloRequest, FieldError> {
    if !(MIN_MONTE_CARLO_ITERATIONS..=MAX_MONTE_CARLO_ITERATIONS).contains(&iterations) {
        return Err(FieldError::new("monte_carlo.iterations", Problem::OutOfRange { min: "100", max: "20000" }));
    }
    Ok(MonteCarloRequest {
        iterations,
        seed,
        threads: std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
    })
}

/// Computes a footprint from a model version (owners and editors, `write` scope), compared with the baseline
/// product's latest footprint when the product has one. `monte_carlo.iterations` above 20,000 is
/// `validation_failed` (422).
#[utoipa::path(post, path = "/api/v1/products/{id}/footprints", tag = "product footprints",
    params(("id" = String, Path)), request_body = ComputeFootprintBody,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn compute_footprint(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ComputeFootprintBody>,
) -> Result<(StatusCode, Json<StoredFootprint>), ApiError> {
    if body.version.is_some_and(|version| version < 1) {
        return Err(FieldError::new("version", Problem::OutOfRange { min: "1", max: "the latest version" }).into());
    }
    let request = body.monte_carlo.map(|run| monte_carlo_request(run.iterations, run.seed)).transpose()?;
    let footprint = state.store().compute_footprint(&actor, &id, body.version, request).await?;
    Ok((StatusCode::CREATED, Json(footprint)))
}

/// A footprint in a list: the figures without the detail.
fn footprint_summary(stored: &StoredFootprint) -> Value {
    let footprint = &stored.footprint;
    json!({
        "id": stored.id,
        "product_id": stored.product_id,
        "model_version": stored.model_version,
        "total_kg_co2e": footprint.total_kg_co2e,
        "declared_unit": footprint.product.declared_unit,
        "gwp_set": footprint.gwp_set,
        "range_95_kg_co2e": footprint.uncertainty.as_ref().map(|spread| [spread.p2_5_kg_co2e, spread.p97_5_kg_co2e]),
        "primary_data_share_percent": footprint.primary_data_share_percent,
        "reduction_kg_co2e": stored.comparison.as_ref().map(|comparison| comparison.reduction_kg_co2e),
        "reduction_percent": stored.comparison.as_ref().map(|comparison| comparison.reduction_percent),
        "computed_at": stored.computed_at,
        "computed_by": stored.computed_by,
        "verified": stored.sign_off.is_some(),
        "assurance": stored.assurance().as_str(),
    })
}

/// A product's footprints, newest first, as summaries (the detail is at `/api/v1/footprints/{id}`).
#[utoipa::path(get, path = "/api/v1/products/{id}/footprints", tag = "product footprints",
    params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn list_footprints(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.store().product(&actor, &id).await?;
    let footprints = state.store().footprints(&actor, &id).await?;
    Ok(Json(Value::Array(footprints.iter().map(footprint_summary).collect())))
}

/// One footprint with everything that explains it: stages, processes, gases, every line with its formula and
/// factor, data quality, allocations, cut-off, recycling, the supply-chain tree, cited factors, the Monte Carlo
/// spread, the baseline comparison and the verifier's sign-off.
#[utoipa::path(get, path = "/api/v1/footprints/{id}", tag = "product footprints", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_footprint(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<StoredFootprint>, ApiError> {
    Ok(Json(state.store().footprint(&actor, &id).await?))
}

/// A verifier's sign-off of a footprint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyFootprintBody {
    /// The verifier's organisation, as the label names it.
    #[schema(example = "中国质量认证中心 CQC")]
    pub verifier_organisation: String,
    /// The verification statement (standard, level of assurance, opinion).
    pub statement: String,
}

/// Signs a footprint off as verified (auditors only, `write` scope); once only (`already_done` after that). A label
/// published from it afterwards carries the sign-off.
#[utoipa::path(post, path = "/api/v1/footprints/{id}/verify", tag = "product footprints",
    params(("id" = String, Path)), request_body = VerifyFootprintBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify_footprint(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyFootprintBody>,
) -> Result<Json<StoredFootprint>, ApiError> {
    let footprint = state.store().verify_footprint(&actor, &id, &body.verifier_organisation, &body.statement).await?;
    Ok(Json(footprint))
}

/// A publication as the API shows it, with its public links.
pub fn publication_json(publication: &Publication, base: &str) -> Value {
    let record = &publication.record;
    json!({
        "id": publication.id,
        "product_id": publication.product_id,
        "footprint_id": publication.footprint_id,
        "code": record.code.as_str(),
        "version": record.version,
        "sequence": record.sequence,
        "published_at": record.published_at,
        "published_by": publication.published_by,
        "content": record.content,
        "sign_off": record.sign_off,
        "assurance": publication.assurance().as_str(),
        "content_hash": record.content_hash.to_string(),
        "previous_hash": record.previous_hash.to_string(),
        "record_hash": record.record_hash.to_string(),
        "withdrawn_at": publication.withdrawn_at,
        "withdrawn_reason": publication.withdrawn_reason,
        "links": label_links(base, record.code.as_str()),
    })
}

/// Publishes a footprint as a carbon label (owners and editors, `write` scope): a new record in the organisation's
/// tamper-evident chain, under the product's label code — a new code the first time, the next version of the same
/// code after that, so printed QR codes keep working.
#[utoipa::path(post, path = "/api/v1/footprints/{id}/publish", tag = "product footprints",
    params(("id" = String, Path)),
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn publish_footprint(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let publication = state.store().publish_footprint(&actor, &id).await?;
    Ok((StatusCode::CREATED, Json(publication_json(&publication, &base_url(&state)))))
}

/// The organisation's label publications, newest first.
#[utoipa::path(get, path = "/api/v1/publications", tag = "product footprints",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_publications(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let base = base_url(&state);
    let publications = state.store().publications(&actor).await?;
    Ok(Json(Value::Array(publications.iter().map(|publication| publication_json(publication, &base)).collect())))
}

/// Why a label is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    /// Shown on the public page.
    pub reason: String,
}

/// Withdraws a published label version (owners and editors): its public page says so and why; the chain keeps the
/// record.
#[utoipa::path(post, path = "/api/v1/publications/{id}/withdraw", tag = "product footprints",
    params(("id" = String, Path)), request_body = WithdrawBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw_publication(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<Value>, ApiError> {
    let publication = state.store().withdraw_publication(&actor, &id, &body.reason).await?;
    Ok(Json(publication_json(&publication, &base_url(&state))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_is_recognised_with_or_without_parameters() {
        let with = |content_type: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            is_toml(&headers)
        };
        assert!(with("application/toml"));
        assert!(with("application/toml; charset=utf-8"));
        assert!(with("Text/TOML"));
        assert!(!with("application/json"));
        assert!(!is_toml(&HeaderMap::new()));
    }

    #[test]
    fn monte_carlo_iterations_are_bounded() {
        assert!(monte_carlo_request(2000, 1).is_ok());
        assert_eq!(monte_carlo_request(20_001, 1).unwrap_err().field, "monte_carlo.iterations");
        assert_eq!(monte_carlo_request(10, 1).unwrap_err().field, "monte_carlo.iterations");
    }

    #[test]
    fn versions_in_paths_start_at_one() {
        assert_eq!(version_number("3"), Some(3));
        for bad in ["0", "-1", "x", ""] {
            assert_eq!(version_number(bad), None, "{bad}");
        }
    }
}
