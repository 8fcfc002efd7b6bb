//! `/api/v1/activities`, `/api/v1/inventories`, `/api/v1/factors`: activity data, inventory versions and the
//! emission-factor library.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};
use tanji_ghg::{FactorCategory, FactorGas, FactorQuery, GwpSet};
use tanji_i18n::{Language, Localize};
use tanji_inventory::{
    ActivityRow, BaseYearPolicy, ConsolidationApproach, ProductionOutput, decode_csv, read_activity_rows,
};
use tanji_store::{InventoryRequest, InventoryVersion, StoreError};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiActor;
use super::extract::{ApiJson, ApiQuery};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The language of the `message` texts beside the codes in inventory answers: Chinese when `Accept-Language`
/// prefers `zh`, English otherwise (the API's default, for programs and logs).
pub struct ApiLanguage(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for ApiLanguage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()).unwrap_or("");
        let first = accept.split(',').next().unwrap_or("").trim();
        Ok(ApiLanguage(tanji_i18n::language_from_locale(Some(first), None)))
    }
}

/// A message value as the API gives it: its stable `code`, its parameters, and the text in `language`.
pub(super) fn coded(value: &impl serde::Serialize, text: String) -> Value {
    let mut object = match serde_json::to_value(value) {
        Ok(Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    };
    object.insert("message".into(), Value::String(text));
    Value::Object(object)
}

/// `value` (a version or a line of the versions list, as JSON) with who stands behind its figures: `assurance`, the
/// stable code (`verified` when signed off for an engaged independent verification body, `internal_review` when
/// signed off by a member of the organisation, `self_declared` when not signed off — the footprints' codes),
/// `assurance_label` in `language`, and the body's id and name (`verification_body_id`, `verification_body_name`,
/// null unless verified) as the version carries them.
pub fn with_assurance(mut value: Value, assurance: tanji_footprint::Assurance, language: Language) -> Value {
    value["assurance"] = Value::String(assurance.as_str().to_owned());
    value["assurance_label"] = Value::String(crate::i18n::Text::of(language).inventory_assurance(assurance).to_owned());
    value
}

/// An inventory version as JSON: the stored result, with every message value (diagnostics, exclusions, formula steps
/// and parameters, the completeness of the totals, the base-year explanation) given as `{code, …parameters,
/// message}`, and the completeness and intensity stated at the top level where a reader looks first.
pub fn version_json(version: &InventoryVersion, language: Language) -> Value {
    let mut value = with_assurance(json!(version), version.assurance(), language);
    let completeness = version.completeness();
    let completeness_json = coded(completeness, completeness.localize(language));
    if let Some(inventory) = value.get_mut("inventory") {
        if let Some(totals) = inventory.get_mut("totals") {
            totals["completeness"] = completeness_json.clone();
        }
        if let Some(Value::Array(diagnostics)) = inventory.get_mut("diagnostics") {
            for (diagnostic, source) in diagnostics.iter_mut().zip(&version.inventory.diagnostics) {
                let rendered = coded(&source.message, source.message.localize(language));
                diagnostic["code"] = rendered.get("code").cloned().unwrap_or(Value::Null);
                diagnostic["message"] = rendered;
            }
        }
        if let Some(Value::Array(lines)) = inventory.get_mut("lines") {
            for (line, source) in lines.iter_mut().zip(&version.inventory.lines) {
                if let tanji_inventory::LineStatus::Excluded { reason } = &source.status {
                    line["status"]["reason"] = coded(reason, reason.localize(language));
                }
                line["formula"] =
                    source.formula.iter().map(|step| coded(step, step.localize(language))).collect::<Value>();
                line["parameters"] = source
                    .parameters
                    .iter()
                    .map(|parameter| coded(parameter, parameter.localize(language)))
                    .collect::<Value>();
            }
        }
    }
    if let (Some(recalculation), Some(assessment)) = (value.get_mut("recalculation"), &version.recalculation)
        && recalculation.is_object()
    {
        recalculation["explanation"] = coded(&assessment.explanation, assessment.explanation.localize(language));
    }
    value["complete"] = Value::Bool(completeness.is_complete());
    value["completeness"] = completeness_json;
    if let Some(output) = &version.output {
        let (location, market) = output.intensity_kg_per_unit(&version.inventory.totals);
        value["intensity"] = json!({
            "output_quantity": output.quantity,
            "output_unit": output.unit,
            "output_description": output.description,
            "kg_co2e_per_unit_location": location,
            "kg_co2e_per_unit_market": market,
        });
    }
    value
}

/// Which activity records to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ActivityListQuery {
    /// Only records touching this year.
    pub year: Option<i16>,
}

/// The activity records of the organisation, each with the row as entered and who entered it.
#[utoipa::path(get, path = "/api/v1/activities", tag = "inventory", params(ActivityListQuery),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_activities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<ActivityListQuery>,
) -> Result<Json<Value>, ApiError> {
    let activities = state.store().activities(&actor, query.year).await?;
    Ok(Json(json!(activities)))
}

/// Adds activity records given as JSON rows (the columns of the activity CSV). All rows are saved, or none
/// (`rows_rejected` lists every problem). Owners and editors, `write` scope.
#[utoipa::path(post, path = "/api/v1/activities", tag = "inventory", request_body = Object,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_activities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(rows): ApiJson<Vec<ActivityRow>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let n_saved = state.store().record_activities(&actor, None, rows).await?;
    Ok((StatusCode::CREATED, Json(json!({ "saved": n_saved }))))
}

/// Where an import came from.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// The file name to record with the import (shown in provenance).
    pub file_name: Option<String>,
}

/// Imports a CSV file (body `text/csv`, UTF-8, the documented activity columns). All rows or none.
#[utoipa::path(post, path = "/api/v1/activities/import", tag = "inventory", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_activities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let file_name = query.file_name.unwrap_or_else(|| "upload.csv".to_owned());
    let rows = read_activity_rows(&file_name, &body).map_err(StoreError::Rejected)?;
    let n_saved = state.store().record_activities(&actor, Some(&file_name), rows).await?;
    Ok((StatusCode::CREATED, Json(json!({ "saved": n_saved, "file_name": file_name }))))
}

/// How to compute an inventory.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComputeBody {
    /// The reporting year.
    pub reporting_year: i16,
    /// `SAR`, `AR4`, `AR5` or `AR6`.
    pub gwp: String,
    /// `equity_share`, `financial_control` or `operational_control`.
    pub consolidation: String,
    /// Base year(s): one year, or several for a multi-year average.
    #[serde(default)]
    pub base_years: Vec<i16>,
    /// Significance threshold for base-year recalculation, percent (default 5).
    pub significance_threshold_percent: Option<f64>,
    /// Changes since the base year: `{"kind": "structural" | "methodology" | "factor_change" | "error_correction" |
    /// "organic_growth", "description": "…", "impact_kg": -120000}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub base_year_changes: Vec<tanji_inventory::BaseYearChange>,
    /// What the organisation produced in the period (for the emission intensity per unit of output), e.g. 1200000.
    pub output_quantity: Option<f64>,
    /// The output's unit as reported, e.g. `只` or `t`; required with `output_quantity`.
    pub output_unit: Option<String>,
    /// What was produced, optional.
    pub output_description: Option<String>,
}

/// Parses the compute settings shared by the API and the console.
pub fn inventory_request(
    reporting_year: i16,
    gwp: &str,
    consolidation: &str,
    base_years: Vec<i16>,
    threshold: Option<f64>,
    base_year_changes: Vec<tanji_inventory::BaseYearChange>,
) -> Result<InventoryRequest, tanji_tenancy::FieldError> {
    use tanji_tenancy::{FieldError, Problem};
    let gwp_set: GwpSet = gwp.parse().map_err(|_| FieldError::new("gwp", Problem::Incorrect))?;
    let consolidation =
        ConsolidationApproach::parse(consolidation).ok_or(FieldError::new("consolidation", Problem::Incorrect))?;
    if !(1990..=2100).contains(&reporting_year) {
        return Err(FieldError::new("reporting_year", Problem::OutOfRange { min: "1990", max: "2100" }));
    }
    let base_year = match base_years.len() {
        0 => None,
        1 => Some(BaseYearPolicy::Fixed(base_years[0])),
        _ => Some(BaseYearPolicy::Average(base_years)),
    };
    let significance_threshold_percent = threshold.unwrap_or(5.0);
    if !(0.0..=100.0).contains(&significance_threshold_percent) {
        return Err(FieldError::new("significance_threshold_percent", Problem::OutOfRange { min: "0", max: "100" }));
    }
    Ok(InventoryRequest {
        reporting_year,
        gwp_set,
        consolidation,
        base_year,
        significance_threshold_percent,
        base_year_changes,
        output: None,
    })
}

/// Computes a new inventory version from the organisation's current data (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/inventories", tag = "inventory", request_body = ComputeBody,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn compute_inventory(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<ComputeBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut request = inventory_request(
        body.reporting_year,
        &body.gwp,
        &body.consolidation,
        body.base_years,
        body.significance_threshold_percent,
        body.base_year_changes,
    )?;
    if body.output_quantity.is_some() || body.output_unit.is_some() {
        use tanji_tenancy::{FieldError, Problem};
        let quantity = body.output_quantity.map(|quantity| quantity.to_string()).unwrap_or_default();
        let output = ProductionOutput::parse(
            &quantity,
            body.output_unit.as_deref().unwrap_or_default(),
            body.output_description.as_deref().unwrap_or_default(),
        )
        .map_err(|error| {
            let field = match error {
                tanji_inventory::OutputError::QuantityNotPositive => "output_quantity",
                tanji_inventory::OutputError::UnitInvalid => "output_unit",
                tanji_inventory::OutputError::DescriptionInvalid => "output_description",
            };
            FieldError::new(field, Problem::Malformed { expected: "see the API description" })
        })?;
        request.output = Some(output);
    }
    let version = state.store().compute_inventory(&actor, &request).await?;
    Ok((StatusCode::CREATED, Json(version_json(&version, language))))
}

/// The organisation's inventory versions, newest first.
#[utoipa::path(get, path = "/api/v1/inventories", tag = "inventory",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_inventories(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
) -> Result<Json<Value>, ApiError> {
    let versions = state.store().inventory_versions(&actor).await?;
    let versions: Vec<Value> = versions
        .iter()
        .map(|summary| {
            let mut value = with_assurance(json!(summary), summary.assurance(), language);
            value["complete"] = Value::Bool(summary.n_records_not_counted == 0);
            value
        })
        .collect();
    Ok(Json(Value::Array(versions)))
}

/// One inventory version with every line, factor, formula and diagnostic.
#[utoipa::path(get, path = "/api/v1/inventories/{id}", tag = "inventory", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_inventory(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(version_json(&state.store().inventory_version(&actor, &id).await?, language)))
}

/// A verifier's sign-off.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyBody {
    /// The verification statement (level of assurance, standard, opinion).
    pub statement: String,
    /// Required when the version is incomplete (`complete: false`): why the verifier accepts the records that are
    /// not counted. Refused with 409 `inventory_incomplete` when missing; stored, audited and printed in the report.
    pub incomplete_reason: Option<String>,
}

/// Signs an inventory version off as verified and freezes it (auditors only, `write` scope).
#[utoipa::path(post, path = "/api/v1/inventories/{id}/verify", tag = "inventory", params(("id" = String, Path)),
    request_body = VerifyBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn verify_inventory(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Json<Value>, ApiError> {
    let version =
        state.store().verify_inventory(&actor, &id, &body.statement, body.incomplete_reason.as_deref()).await?;
    Ok(Json(version_json(&version, language)))
}

/// A factor search.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FactorSearchQuery {
    /// Words in Chinese or English; all must match.
    #[serde(default)]
    pub q: String,
    pub region: Option<String>,
    pub year: Option<i32>,
    /// Publisher or document, e.g. `EPA`, `DESNZ`, `生态环境部`.
    pub source: Option<String>,
    pub category: Option<String>,
    /// Only factors that give a value for this gas: `co2`, `ch4`, `n2o`, `co2e` (a published CO2e total) or
    /// `biogenic_co2`.
    pub gas: Option<String>,
    /// At most this many (default 50).
    pub limit: Option<usize>,
    /// Skip this many matches first (default 0), for paging with `limit`.
    pub offset: Option<usize>,
}

/// Searches the factors the organisation may use: the bundled library and its own.
#[utoipa::path(get, path = "/api/v1/factors", tag = "inventory", params(FactorSearchQuery),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn search_factors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<FactorSearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let library = state.store().factor_library_for(&actor).await?;
    let category = match query.category.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => {
            Some(FactorCategory::parse(text).ok_or_else(|| ApiError::bad_request(format!("unknown category {text}")))?)
        }
        None => None,
    };
    let gas = match query.gas.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => Some(FactorGas::parse(text).ok_or_else(|| {
            let known = FactorGas::ALL.map(FactorGas::key).join(", ");
            ApiError::bad_request(format!("unknown gas {text}; use one of {known}"))
        })?),
        None => None,
    };
    let hits = library.search(&FactorQuery {
        text: query.q,
        region: query.region.filter(|region| !region.is_empty()),
        year: query.year,
        source: query.source.filter(|source| !source.is_empty()),
        category,
        gas,
        ..FactorQuery::default()
    });
    let page = hits.into_iter().skip(query.offset.unwrap_or(0)).take(query.limit.unwrap_or(50));
    Ok(Json(json!(page.collect::<Vec<_>>())))
}

/// Adds the organisation's own factors (body `text/csv` in the bundled factor-file format of docs/factors.md). All
/// rows or none; a correction is the next version of the same id; bundled ids cannot be reused. Owners and editors.
#[utoipa::path(post, path = "/api/v1/factors", tag = "inventory", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_own_factors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let file_name = query.file_name.unwrap_or_else(|| "factors.csv".to_owned());
    let text = decode_csv(&file_name, &body).map_err(|error| StoreError::Rejected(vec![error]))?;
    let n_saved = state.store().add_own_factors(&actor, &file_name, &text).await?;
    Ok((StatusCode::CREATED, Json(json!({ "saved": n_saved, "file_name": file_name }))))
}

/// Every version of one factor.
#[utoipa::path(get, path = "/api/v1/factors/{id}", tag = "inventory", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_factor(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let library = state.store().factor_library_for(&actor).await?;
    let versions = library.versions(&id);
    if versions.is_empty() {
        return Err(ApiError::not_found());
    }
    Ok(Json(json!(versions)))
}
