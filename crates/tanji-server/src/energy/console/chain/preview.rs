//! The inventory handover's preview (issue 9): what recording a facility's metered months would do to the inventory
//! — per month and per year, location- and market-based, before → after — and where each month's grid factor,
//! market factor and instrument coverage come from, shown before the member confirms. Nothing is written here; the
//! confirmation posts the same fields to `…/chain/inventory`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tanji_energy::supersede::ElectricityChoice;
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::energy::whole;
use tanji_i18n::{Language, Localize};
use tanji_store::StoreError;
use tanji_store::energy_chain::{InventoryFigures, MeteredEnergyMethods};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, Permission};

use super::{ChainForm, period, refused};
use crate::console::frame::{Frame, render};
use crate::energy::console::meters::FieldErrors;
use crate::energy::console::{Tab, TabLink, energy_frame, facility_form, tabs};
use crate::state::AppState;
use crate::web_context::Console;

/// One metered month of electricity: its records before and after.
pub struct MonthRow {
    pub month: String,
    pub supersedes: String,
    pub kwh: (String, String),
    pub location_t: (String, String),
    pub market_t: (String, String),
}

/// A year's inventory totals before and after.
pub struct YearRow {
    pub year: i16,
    pub settings: String,
    pub location_t: (String, String),
    pub market_t: (String, String),
}

#[derive(Template)]
#[template(path = "energy_chain_preview.html")]
struct PreviewPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    form: ChainForm,
    n_records: usize,
    n_replacing: usize,
    months: Vec<MonthRow>,
    /// Superseded records longer than a month, one row each (counted in no month).
    spanning: Vec<MonthRow>,
    years: Vec<YearRow>,
    /// Each electricity month's notice, in the reader's language.
    notices: Vec<String>,
    /// Months not written, in the reader's language (empty when none).
    not_written: Vec<String>,
}

/// The handover's methods as the form states them: blank fields inherit. A coverage that is not a number is
/// refused beside its field.
pub(super) fn methods_of(form: &ChainForm, errors: &mut Vec<FieldError>) -> MeteredEnergyMethods {
    let stated = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
    let covered = match form.covered_by_instruments_kwh.trim() {
        "" => None,
        text => match text.replace(',', "").parse::<f64>() {
            Ok(kwh) if kwh.is_finite() => Some(kwh),
            _ => {
                errors.push(FieldError::new(
                    "covered_by_instruments_kwh",
                    Problem::Malformed { expected: "a number of kWh such as 100000" },
                ));
                None
            }
        },
    };
    MeteredEnergyMethods {
        emission_point: stated(&form.emission_point),
        electricity: ElectricityChoice {
            factor: stated(&form.electricity_factor),
            market_factor: stated(&form.market_factor),
            covered_by_instruments_kwh: covered,
        },
        ..MeteredEnergyMethods::default()
    }
}

/// A store refusal of the handover's rows (coverage above the metered month, an unknown factor) beside the field
/// that states it; other errors as [`refused`] shows them.
pub(super) async fn refused_rows(
    state: &AppState,
    console: &Console,
    id: &str,
    form: ChainForm,
    error: StoreError,
) -> Response {
    let StoreError::Rejected(row_errors) = error else {
        return refused(state, console, id, form, "inventory", Err(error)).await;
    };
    let language = console.text().language;
    let messages = row_errors
        .iter()
        .map(|row_error| {
            let field = match row_error.column.as_str() {
                "covered_by_instruments" => "covered_by_instruments_kwh",
                "market_factor" => "market_factor",
                _ => "electricity_factor",
            };
            (field, format!("{}: {}", row_error.column, row_error.problem.localize(language)))
        })
        .collect();
    super::page(
        state,
        console,
        id,
        form,
        "inventory",
        FieldErrors::from_messages(messages),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn tonnes(kg: f64) -> String {
    format!("{:.2}", kg / 1000.0)
}

fn pair(before: &InventoryFigures, after: &InventoryFigures, of: fn(&InventoryFigures) -> String) -> (String, String) {
    (of(before), of(after))
}

/// `POST …/chain/inventory/preview`: what recording the metered months would do (`EditEnergy` and `EditInventory`,
/// as the handover itself); writes nothing.
pub async fn preview_inventory(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<ChainForm>,
) -> Response {
    let actor = console.actor();
    let facility =
        match facility_form(&state, &console, &id, &[Permission::EditEnergy, Permission::EditInventory]).await {
            Ok(facility) => facility,
            Err(page) => return page.into_response(),
        };
    let mut errors = Vec::new();
    let period = period(&form, &mut errors);
    let methods = methods_of(&form, &mut errors);
    let (Some(period), true) = (period, errors.is_empty()) else {
        return refused(&state, &console, &id, form, "inventory", Ok(errors)).await;
    };
    let preview = match state.store().preview_metered_energy(actor, facility.id, period, &methods).await {
        Ok(preview) => preview,
        Err(error) => return refused_rows(&state, &console, &id, form, error).await,
    };
    let language = console.text().language;
    let (frame, et) = match energy_frame(&console, EnergyText::of(language).handover_preview_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let superseded_text = |record: &str, data_source: tanji_inventory::DataSourceKind| match language {
        Language::SimplifiedChinese => format!("{record}（{}）", data_source.localize(language)),
        Language::English => format!("{record} ({})", data_source.localize(language)),
    };
    let spanning = preview
        .spanning
        .iter()
        .map(|effect| MonthRow {
            month: format!("{} – {}", effect.period_start, effect.period_end),
            supersedes: superseded_text(&effect.record, effect.data_source),
            kwh: pair(&effect.before, &effect.after, |figures| whole(figures.electricity_kwh)),
            location_t: pair(&effect.before, &effect.after, |figures| tonnes(figures.location_kg)),
            market_t: pair(&effect.before, &effect.after, |figures| tonnes(figures.market_kg)),
        })
        .collect();
    let months = preview
        .months
        .iter()
        .map(|effect| {
            let supersedes = preview
                .electricity_months
                .iter()
                .find(|month| month.month == effect.month)
                .map(|month| {
                    // A record longer than the month has its own row (`spanning`), not this month's.
                    month
                        .supersedes
                        .iter()
                        .filter(|record| !preview.spanning.iter().any(|effect| effect.record == record.record))
                        .map(|record| superseded_text(&record.record, record.data_source))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|text| !text.is_empty())
                .unwrap_or_else(|| et.handover_preview_none.to_owned());
            MonthRow {
                month: effect.month.clone(),
                supersedes,
                kwh: pair(&effect.before, &effect.after, |figures| whole(figures.electricity_kwh)),
                location_t: pair(&effect.before, &effect.after, |figures| tonnes(figures.location_kg)),
                market_t: pair(&effect.before, &effect.after, |figures| tonnes(figures.market_kg)),
            }
        })
        .collect();
    let years = preview
        .years
        .iter()
        .map(|year| YearRow {
            year: year.year,
            settings: format!("{} · {}", year.gwp_set.name(), year.consolidation.localize(language)),
            location_t: pair(&year.before, &year.after, |figures| tonnes(figures.location_kg)),
            market_t: pair(&year.before, &year.after, |figures| tonnes(figures.market_kg)),
        })
        .collect();
    let not_written = preview
        .incomplete
        .iter()
        .map(|(month, kind)| format!("{} {month} {}", et.inventory_incomplete, kind.localize(language)))
        .chain(
            preview
                .left_out
                .iter()
                .map(|(month, kind)| format!("{} {month} {}", et.inventory_left_out, kind.localize(language))),
        )
        .collect();
    let mut form = form;
    form.confirm.clear();
    render(
        StatusCode::OK,
        &PreviewPage {
            frame,
            et,
            tabs: tabs(et, Some(&id), Tab::Chain),
            facility_id: id.clone(),
            facility_name: facility.details.name_in(language).to_owned(),
            form,
            n_records: preview.n_records,
            n_replacing: preview.n_replacing,
            months,
            spanning,
            years,
            notices: preview.electricity_months.iter().map(|month| month.localize(language)).collect(),
            not_written,
        },
    )
}

/// The handover's notices after it is recorded, one a line, in `language`.
pub(super) fn notices(months: &[tanji_energy::supersede::ElectricityMonth], language: Language) -> Vec<String> {
    months.iter().map(|month| month.localize(language)).collect()
}
