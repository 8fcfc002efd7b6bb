//! The chain page of a facility (一链到底): which meters count in the facility's metered totals (the sub-metering
//! tree, with a form to give a meter its upstream meter), and the two handovers — the lines' measured kWh per unit
//! into a product's footprint model, the counted meters' whole months into the inventory — each behind a
//! confirmation, for members who may edit energy data and the footprint or the inventory.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use tanji_energy::DayRange;
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::inventory::figure;
use tanji_i18n::{Language, Localize};
use tanji_store::StoreError;
use tanji_store::energy::MeterCode;
use tanji_store::energy_chain::{MeasuredEnergyTarget, ParentMeterError};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, Permission};

use super::meters::FieldErrors;
use super::{FacilityPage, Tab, TabLink, facility_form, facility_page, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::Console;

mod preview;
pub use preview::preview_inventory;

/// A placed meter and its part in the totals.
pub struct TotalsRow {
    pub meter: String,
    pub kind: String,
    pub parent: String,
    pub counts: bool,
    /// "Included in MAIN" when it does not count.
    pub included_in: String,
}

/// What the chain page's forms hold (all text, as typed).
#[derive(Debug, Default, Deserialize)]
pub struct ChainForm {
    #[serde(default)]
    meter: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    process_id: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    emission_point: String,
    /// The inventory handover's electricity settings; blank ones are inherited from the record a month supersedes.
    #[serde(default)]
    electricity_factor: String,
    #[serde(default)]
    market_factor: String,
    #[serde(default)]
    covered_by_instruments_kwh: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "energy_chain.html")]
struct ChainPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    has_site: bool,
    meters: Vec<TotalsRow>,
    meter_codes: Vec<String>,
    skus: Vec<String>,
    /// (id, "SKU name") of the organisation's products with a model.
    products: Vec<(String, String)>,
    can_edit_tree: bool,
    can_edit_footprint: bool,
    can_edit_inventory: bool,
    form: ChainForm,
    /// Which form the errors belong to (`parent`, `footprint`, `inventory`).
    failed_form: &'static str,
    errors: FieldErrors,
    /// What the last handover did, in the reader's language.
    result: Option<String>,
}

/// `GET /console/energy/facilities/{id}/chain`.
pub async fn show(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    page(&state, &console, &id, ChainForm::default(), "", FieldErrors::default(), None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    console: &Console,
    id: &str,
    form: ChainForm,
    failed_form: &'static str,
    errors: FieldErrors,
    result: Option<String>,
    status: StatusCode,
) -> Response {
    let FacilityPage { frame, et, facility } = match facility_page(state, console, id, |et| et.chain_title).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let language = console.text().language;
    let store = state.store();
    let actor = console.actor();
    let (has_site, skus) = match store.energy_site_tree(actor, facility.id).await {
        Ok(tree) => {
            let mut skus: Vec<String> = tree.lines.iter().map(|line| line.product_sku.clone()).collect();
            skus.sort();
            skus.dedup();
            (true, skus)
        }
        Err(StoreError::NotFound) => (false, Vec::new()),
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut meters = Vec::new();
    if has_site {
        match store.meters_in_totals(actor, facility.id).await {
            Ok(in_totals) => {
                for meter in in_totals {
                    meters.push(TotalsRow {
                        kind: meter.kind.localize(language),
                        parent: meter.parent.clone().unwrap_or_default(),
                        included_in: if meter.counts || meter.top == meter.meter {
                            String::new()
                        } else {
                            meter.top.clone()
                        },
                        counts: meter.counts,
                        meter: meter.meter,
                    });
                }
            }
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    }
    let meter_codes = meters.iter().map(|meter| meter.meter.clone()).collect();
    let can_edit_footprint = actor.may(Permission::EditEnergy) && actor.may(Permission::EditFootprints);
    let products = if can_edit_footprint {
        match store.products(actor).await {
            Ok(products) => products
                .into_iter()
                .filter(|product| product.latest_model_version.is_some())
                .map(|product| {
                    let name = if language == Language::English && !product.name_en.is_empty() {
                        product.name_en
                    } else {
                        product.name_zh
                    };
                    (product.id, format!("{} {name}", product.sku))
                })
                .collect(),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    render(
        status,
        &ChainPage {
            frame,
            et,
            tabs: tabs(et, Some(id), Tab::Chain),
            facility_id: id.to_owned(),
            facility_name: facility.details.name_in(language).to_owned(),
            has_site,
            meters,
            meter_codes,
            skus,
            products,
            can_edit_tree: actor.may(Permission::EditEnergy),
            can_edit_footprint,
            can_edit_inventory: actor.may(Permission::EditEnergy) && actor.may(Permission::EditInventory),
            form,
            failed_form,
            errors,
            result,
        },
    )
}

fn period(form: &ChainForm, errors: &mut Vec<FieldError>) -> Option<DayRange> {
    let mut day = |field: &'static str, text: &str| match text.trim().parse::<Date>() {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, Problem::Malformed { expected: "a date such as 2025-01-31" }));
            None
        }
    };
    let (first, last) = (day("from", &form.from), day("to", &form.to));
    let (first, last) = (first?, last?);
    if last < first {
        errors.push(FieldError::new("to", Problem::Malformed { expected: "a day not before the first" }));
        return None;
    }
    Some(DayRange { first, last })
}

fn confirmed(form: &ChainForm, errors: &mut Vec<FieldError>) {
    if form.confirm != "yes" {
        errors.push(FieldError::new("confirm", Problem::Required));
    }
}

/// The answer to a refused form: the page again with the errors beside the fields (422), or the error page.
async fn refused(
    state: &AppState,
    console: &Console,
    id: &str,
    form: ChainForm,
    failed_form: &'static str,
    error: Result<Vec<FieldError>, StoreError>,
) -> Response {
    match error {
        Ok(errors) => {
            let shown = FieldErrors::from_errors(console.text(), &errors);
            page(state, console, id, form, failed_form, shown, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Invalid(error)) => {
            let shown = FieldErrors::from_errors(console.text(), &[error]);
            page(state, console, id, form, failed_form, shown, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST …/chain/parent`: gives a meter its upstream meter, or none (`EditEnergy`).
pub async fn set_parent(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ChainForm>,
) -> Response {
    let facility = match facility_form(&state, &console, &id, &[Permission::EditEnergy]).await {
        Ok(facility) => facility,
        Err(answer) => return answer,
    };
    let meter = MeterCode::parse("meter", form.meter.trim());
    let parent = match form.parent.trim() {
        "" => Ok(None),
        text => MeterCode::parse("parent", text).map(Some),
    };
    let (meter, parent) = match (meter, parent) {
        (Ok(meter), Ok(parent)) => (meter, parent),
        (meter, parent) => {
            let errors = [meter.err(), parent.err()].into_iter().flatten().collect();
            return refused(&state, &console, &id, form, "parent", Ok(errors)).await;
        }
    };
    match state.store().set_parent_meter(console.actor(), facility.id, &meter, parent.as_ref()).await {
        Ok(()) => {
            let et = EnergyText::of(console.text().language);
            let result = Some(et.parent_saved.to_owned());
            page(&state, &console, &id, ChainForm::default(), "", FieldErrors::default(), result, StatusCode::OK).await
        }
        Err(ParentMeterError::Refused { field, problem }) => {
            let shown = FieldErrors::from_messages(vec![(field, problem.localize(console.text().language))]);
            page(&state, &console, &id, form, "parent", shown, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ParentMeterError::Store(error)) => refused(&state, &console, &id, form, "parent", Err(error)).await,
    }
}

/// `POST …/chain/footprint`: a product model's production electricity from the lines' measured kWh per unit
/// (`EditEnergy` and `EditFootprints`), after the member confirms.
pub async fn to_footprint(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ChainForm>,
) -> Response {
    let facility =
        match facility_form(&state, &console, &id, &[Permission::EditEnergy, Permission::EditFootprints]).await {
            Ok(facility) => facility,
            Err(answer) => return answer,
        };
    let actor = console.actor();
    let mut errors = Vec::new();
    let period = period(&form, &mut errors);
    confirmed(&form, &mut errors);
    let (Some(period), true) = (period, errors.is_empty()) else {
        return refused(&state, &console, &id, form, "footprint", Ok(errors)).await;
    };
    let target = MeasuredEnergyTarget {
        product_id: form.product_id.trim().to_owned(),
        process_id: form.process_id.trim().to_owned(),
        factor_index: None,
    };
    match state.store().set_measured_energy(actor, &target, facility.id, form.sku.trim(), period).await {
        Ok(version) => {
            let et = EnergyText::of(console.text().language);
            let measured = version
                .model
                .processes
                .iter()
                .filter(|process| process.id == target.process_id)
                .flat_map(|process| &process.factors)
                .find_map(|usage| usage.measured.clone());
            let result = measured.map(|measured| {
                format!(
                    "{} v{} · {} kWh/{} · {} {} ({})",
                    et.footprint_handed_over,
                    version.version,
                    figure(measured.kwh_per_unit, 4),
                    tanji_i18n::energy::output_unit(&measured.output_unit, et.language),
                    measured.sku,
                    et.chain_lines,
                    measured.line
                )
            });
            page(&state, &console, &id, ChainForm::default(), "", FieldErrors::default(), result, StatusCode::OK).await
        }
        // A product of another organisation or none is as unknown as a missing one: say so beside the field.
        Err(StoreError::NotFound) if !form.product_id.trim().is_empty() => {
            let errors = vec![FieldError::new("product_id", Problem::Malformed { expected: "one of your products" })];
            refused(&state, &console, &id, form, "footprint", Ok(errors)).await
        }
        Err(error) => refused(&state, &console, &id, form, "footprint", Err(error)).await,
    }
}

/// `POST …/chain/inventory`: the counted meters' whole months into the inventory (`EditEnergy` and
/// `EditInventory`), after the member confirms.
pub async fn to_inventory(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ChainForm>,
) -> Response {
    let facility =
        match facility_form(&state, &console, &id, &[Permission::EditEnergy, Permission::EditInventory]).await {
            Ok(facility) => facility,
            Err(answer) => return answer,
        };
    let actor = console.actor();
    let mut errors = Vec::new();
    let period = period(&form, &mut errors);
    let methods = preview::methods_of(&form, &mut errors);
    confirmed(&form, &mut errors);
    let (Some(period), true) = (period, errors.is_empty()) else {
        return refused(&state, &console, &id, form, "inventory", Ok(errors)).await;
    };
    match state.store().record_metered_energy(actor, facility.id, period, &methods).await {
        Ok(outcome) => {
            let language = console.text().language;
            let et = EnergyText::of(language);
            let mut result = format!(
                "{} {} · {} {}",
                et.inventory_records_written, outcome.n_records, et.inventory_records_replaced, outcome.n_replaced
            );
            let months = |list: &[(String, tanji_energy::MeterKind)]| {
                list.iter().map(|(month, kind)| format!("{month} {}", kind.localize(language))).collect::<Vec<_>>()
            };
            if !outcome.incomplete.is_empty() {
                result.push_str(&format!(" · {} {}", et.inventory_incomplete, months(&outcome.incomplete).join(", ")));
            }
            if !outcome.left_out.is_empty() {
                result.push_str(&format!(" · {} {}", et.inventory_left_out, months(&outcome.left_out).join(", ")));
            }
            // Every electricity month says what it superseded and where its factors and instruments came from.
            for notice in preview::notices(&outcome.electricity_months, language) {
                result.push('\n');
                result.push_str(&notice);
            }
            page(&state, &console, &id, ChainForm::default(), "", FieldErrors::default(), Some(result), StatusCode::OK)
                .await
        }
        Err(error) => preview::refused_rows(&state, &console, &id, form, error).await,
    }
}
