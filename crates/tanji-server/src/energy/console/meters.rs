//! `/console/energy/facilities/{id}/meters`: the facility's meter tree (site → area → line → meter) with kind,
//! unit, register type, multiplier, the latest reading and the count; and the form to register a meter.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::inventory::figure;
use tanji_store::StoreError;
use tanji_store::energy::{Meter, MeterInput, MeterKind, NewMeter, RegisterType};
use tanji_tenancy::{FieldError, Permission};

use super::pages::facility_of;
use super::{Tab, TabLink, energy_frame, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// A meter in the tree.
#[derive(Debug)]
pub struct MeterRow {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    pub register_type: &'static str,
    pub multiplier: String,
    pub last_reading: String,
    pub n_readings: i64,
}

/// A branch of the tree: the meters of one line of one area, or those not placed on a line yet.
#[derive(Debug)]
pub struct MeterGroup {
    /// "Area › Line", or the "not placed" words.
    pub heading: String,
    pub meters: Vec<MeterRow>,
}

/// The kind of a meter in the reader's language.
pub fn kind_label(et: &'static EnergyText, kind: MeterKind) -> &'static str {
    match kind {
        MeterKind::Electricity => et.kind_electricity,
        MeterKind::NaturalGas => et.kind_natural_gas,
        MeterKind::Steam => et.kind_steam,
        MeterKind::Water => et.kind_water,
        MeterKind::CompressedAir => et.kind_compressed_air,
    }
}

/// The register type in the reader's language.
pub fn register_label(et: &'static EnergyText, register_type: RegisterType) -> &'static str {
    match register_type {
        RegisterType::Interval => et.register_interval,
        RegisterType::Cumulative => et.register_cumulative,
    }
}

/// An instant as the meter's local time, `2026-03-02 08:15`.
pub fn local_time(instant: jiff::Timestamp, utc_offset_minutes: i32) -> String {
    let offset = jiff::tz::Offset::from_seconds(utc_offset_minutes * 60).unwrap_or(jiff::tz::Offset::UTC);
    instant.to_zoned(jiff::tz::TimeZone::fixed(offset)).strftime("%Y-%m-%d %H:%M").to_string()
}

fn meter_row(et: &'static EnergyText, meter: &Meter) -> MeterRow {
    MeterRow {
        code: meter.code.as_str().to_owned(),
        name: meter.name.clone(),
        kind: kind_label(et, meter.kind),
        unit: meter.unit.clone(),
        register_type: register_label(et, meter.register_type),
        multiplier: figure(meter.multiplier, 6),
        last_reading: meter
            .last_reading_at
            .map_or_else(|| et.never.to_owned(), |at| local_time(at, meter.utc_offset_minutes)),
        n_readings: meter.n_readings,
    }
}

/// The register form's fields, as typed.
#[derive(Debug, Deserialize)]
pub struct MeterForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    register_type: String,
    #[serde(default)]
    multiplier: String,
    #[serde(default)]
    utc_offset_minutes: String,
}

impl Default for MeterForm {
    fn default() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            kind: "electricity".to_owned(),
            unit: "kWh".to_owned(),
            register_type: "cumulative".to_owned(),
            multiplier: "1".to_owned(),
            utc_offset_minutes: NewMeter::DEFAULT_UTC_OFFSET_MINUTES.to_string(),
        }
    }
}

/// A choice in a select.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// What is wrong with one field of the form, shown next to it.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The message for `field`, if it is at fault.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, message)| message.as_str())
    }

    /// Whether any field is at fault.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

fn field_message(t: &'static Text, error: &FieldError) -> String {
    let problem = t.problem(&error.problem);
    // Chinese readers get the generic "malformed" sentence; add what the field takes, in their language.
    let hint = match (error.field, t.language) {
        ("unit", tanji_i18n::Language::SimplifiedChinese) => "（如 kWh、MWh、GJ、m3、Nm3、t、kg，且须与种类相符）",
        ("code", tanji_i18n::Language::SimplifiedChinese) => "（1–64 个字母、数字或 . _ -）",
        _ => "",
    };
    format!("{problem}{hint}")
}

#[derive(Template)]
#[template(path = "energy_meters.html")]
struct MetersPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    groups: Vec<MeterGroup>,
    n_meters: usize,
    can_edit: bool,
    form: MeterForm,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    registers: Vec<Choice>,
}

async fn page(
    state: &AppState,
    console: &Console,
    id: &str,
    form: MeterForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let et = EnergyText::of(console.text().language);
    let (frame, et) = match energy_frame(console, et.meters_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let facility = match facility_of(state, console, id).await {
        Ok(facility) => facility,
        Err(page) => return page.into_response(),
    };
    let meters = match state.store().list_meters(console.actor()).await {
        Ok(meters) => meters,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let rows: Vec<MeterRow> =
        meters.iter().filter(|meter| meter.facility_id == facility.id).map(|meter| meter_row(et, meter)).collect();
    let n_meters = rows.len();
    // Lines and the placement of meters on them come with the store's site tree; until a meter is placed it hangs
    // directly under the site.
    let groups =
        if rows.is_empty() { Vec::new() } else { vec![MeterGroup { heading: et.not_placed.to_owned(), meters: rows }] };
    let kinds =
        [MeterKind::Electricity, MeterKind::NaturalGas, MeterKind::Steam, MeterKind::Water, MeterKind::CompressedAir]
            .into_iter()
            .map(|kind| Choice {
                value: kind.as_str(),
                label: kind_label(et, kind),
                selected: form.kind == kind.as_str(),
            })
            .collect();
    let registers = [RegisterType::Cumulative, RegisterType::Interval]
        .into_iter()
        .map(|register| Choice {
            value: register.as_str(),
            label: register_label(et, register),
            selected: form.register_type == register.as_str(),
        })
        .collect();
    render(
        status,
        &MetersPage {
            frame,
            et,
            tabs: tabs(et, Some(id), Tab::Meters),
            facility_id: id.to_owned(),
            facility_name: facility.details.name_in(console.text().language).to_owned(),
            groups,
            n_meters,
            can_edit: console.actor().may(Permission::EditEnergy),
            form,
            errors,
            kinds,
            registers,
        },
    )
}

/// `GET /console/energy/facilities/{id}/meters`.
pub async fn show(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    page(&state, &console, &id, MeterForm::default(), FieldErrors::default(), StatusCode::OK).await
}

/// `POST /console/energy/facilities/{id}/meters`: registers a meter at the facility (`EditEnergy`); every wrong
/// field is shown next to it.
pub async fn add(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<MeterForm>,
) -> Response {
    if !console.actor().may(Permission::EditEnergy) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    if let Err(page) = facility_of(&state, &console, &id).await {
        return page.into_response();
    }
    let t = console.text();
    let number = |field: &'static str, text: &str| -> Result<Option<f64>, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<f64>()
            .map(Some)
            .map_err(|_| FieldError::new(field, tanji_tenancy::validation::Problem::Malformed { expected: "a number" }))
    };
    let mut errors = Vec::new();
    let multiplier = number("multiplier", &form.multiplier).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let offset = number("utc_offset_minutes", &form.utc_offset_minutes).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let parsed = NewMeter::parse(&MeterInput {
        facility_id: &id,
        code: &form.code,
        name: &form.name,
        kind: &form.kind,
        unit: &form.unit,
        register_type: &form.register_type,
        multiplier,
        utc_offset_minutes: offset.map(|minutes| minutes.round() as i64),
    });
    let checked = match parsed {
        Ok(new) if errors.is_empty() => Ok(new),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    };
    let new = match checked {
        Ok(new) => new,
        Err(errors) => {
            let shown = FieldErrors(errors.iter().map(|error| (error.field, field_message(t, error))).collect());
            return page(&state, &console, &id, form, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().register_meter(console.actor(), &new).await {
        Ok(_) => Redirect::to(&format!("/console/energy/facilities/{id}/meters?notice=meter_added")).into_response(),
        Err(StoreError::Invalid(error)) => {
            let shown = FieldErrors(vec![(error.field, field_message(t, &error))]);
            page(&state, &console, &id, form, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Conflict(conflict)) => {
            let message = crate::console::error_page::conflict_text(t, conflict).to_owned();
            page(&state, &console, &id, form, FieldErrors(vec![("code", message)]), StatusCode::CONFLICT).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
