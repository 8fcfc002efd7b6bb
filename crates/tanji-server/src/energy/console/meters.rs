//! `/console/energy/facilities/{id}/meters`: the facility's meter tree (site → area → line → meter) with kind,
//! unit, register type, multiplier, the latest reading and the count; and the form to register a meter.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_i18n::Localize;
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::inventory::figure;
use tanji_store::StoreError;
use tanji_store::energy::{Meter, MeterCode, MeterInput, MeterKind, NewMeter, RegisterType};
use tanji_store::energy_site::{
    AreaInput, LineInput, MeterPlacement, RecordedGridFactor, RecordedTariff, SiteSettings, parse_code, parse_equipment,
};
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{FieldError, Permission};

use super::{FacilityPage, Tab, TabLink, facility_form, facility_page, tabs};
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

    /// Messages already in the reader's language, each beside its field.
    pub fn from_messages(messages: Vec<(&'static str, String)>) -> Self {
        Self(messages)
    }

    /// Each error beside its field, in the reader's language.
    pub fn from_errors(t: &'static Text, errors: &[FieldError]) -> Self {
        Self(errors.iter().map(|error| (error.field, field_message(t, error))).collect())
    }
}

fn field_message(t: &'static Text, error: &FieldError) -> String {
    let problem = t.problem(&error.problem);
    // Chinese readers get the generic "malformed" sentence; add what the field takes, in their language.
    let hint = match (error.field, t.language) {
        ("unit", tanji_i18n::Language::SimplifiedChinese) => "（如 kWh、MWh、GJ、m3、Nm3、t、kg，且须与种类相符）",
        ("code" | "line" | "area" | "meter", tanji_i18n::Language::SimplifiedChinese) => {
            "（1–64 个字母、数字或 . _ -）"
        }
        (
            "implemented_on" | "baseline_first" | "baseline_last" | "reporting_first" | "reporting_last",
            tanji_i18n::Language::SimplifiedChinese,
        ) => "（日期，如 2026-03-02；基线期须在实施日之前，报告期从实施日起）",
        ("from" | "to", tanji_i18n::Language::SimplifiedChinese) => "（日期，如 2025-01-31，结束日不早于开始日）",
        ("sku", tanji_i18n::Language::SimplifiedChinese) => "（期间内有产量和计量读数的产线所生产的型号）",
        ("process", tanji_i18n::Language::SimplifiedChinese) => "（产品模型中带用电输入的生产阶段工序）",
        ("parent", tanji_i18n::Language::SimplifiedChinese) => "（同一能源种类、已放入站点且不在本表下级的另一块表）",
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
    site: Option<SiteSummary>,
    /// (code, name) of the site's areas and lines, for the forms' choices.
    areas: Vec<(String, String)>,
    lines: Vec<(String, String)>,
    meter_codes: Vec<String>,
    /// (stored name, words) of each equipment.
    equipments: Vec<(&'static str, String)>,
    /// The tree form that was sent (its fields kept) and its errors.
    tree_form: TreeForm,
}

/// The site's settings as the page shows them.
#[derive(Debug)]
pub struct SiteSummary {
    pub name: String,
    pub grid_factor: String,
    pub tariff: String,
    pub interval: String,
}

/// The fields of the site, area, line and placement forms (each form sends its own), as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TreeFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub utc_offset_minutes: String,
    #[serde(default)]
    pub interval_minutes: String,
    #[serde(default)]
    pub grid_factor: String,
    #[serde(default)]
    pub grid_factor_source: String,
    #[serde(default)]
    pub tariff: String,
    #[serde(default)]
    pub tariff_source: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub product_sku: String,
    #[serde(default)]
    pub output_unit: String,
    #[serde(default)]
    pub meter: String,
    #[serde(default)]
    pub line: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub ct_ratio: String,
    #[serde(default)]
    pub pt_ratio: String,
    #[serde(default)]
    pub kwh_per_unit: String,
}

/// Which tree form was sent ("site", "area", "line", "place"), what it held and what was wrong.
#[derive(Debug, Default)]
pub struct TreeForm {
    pub which: &'static str,
    pub fields: TreeFields,
    pub errors: FieldErrors,
}

impl TreeForm {
    /// The error of `field` when `form` was the one sent.
    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.which == form { self.errors.of(field) } else { None }
    }

    /// Whether `form` was sent with errors.
    pub fn failed(&self, form: &str) -> bool {
        self.which == form && self.errors.any()
    }
}

/// The tree's branches: each line's meters under "area › line", an area's own meters, then the meters not placed.
pub fn meter_groups(
    et: &'static EnergyText,
    language: tanji_i18n::Language,
    meters: &[&Meter],
    tree: Option<&tanji_store::energy_site::SiteTree>,
) -> Vec<MeterGroup> {
    let mut groups = Vec::new();
    let placement_of = |meter: &Meter| {
        tree.and_then(|tree| tree.meters.iter().find(|placed| placed.meter.code == meter.code))
            .and_then(|placed| placed.placement.clone())
    };
    if let Some(tree) = tree {
        for area in &tree.areas {
            let mut branches: Vec<(Option<&tanji_store::energy_site::EnergyLine>, Vec<MeterRow>)> = tree
                .lines
                .iter()
                .filter(|line| line.area_code == area.code)
                .map(|line| (Some(line), Vec::new()))
                .collect();
            branches.push((None, Vec::new()));
            for meter in meters {
                let Some(placement) = placement_of(meter) else { continue };
                if placement.area_code != area.code {
                    continue;
                }
                let branch = branches
                    .iter_mut()
                    .find(|(line, _)| line.map(|line| line.code.as_str()) == placement.line_code.as_deref());
                if let Some((_, rows)) = branch {
                    let mut row = meter_row(et, meter);
                    row.name = format!("{} · {}", row.name, placement.equipment.localize(language));
                    rows.push(row);
                }
            }
            for (line, rows) in branches {
                let heading = match line {
                    Some(line) => format!("{} › {} ({} · {})", area.name, line.name, line.code, line.product_sku),
                    None if rows.is_empty() => continue,
                    None => area.name.clone(),
                };
                groups.push(MeterGroup { heading, meters: rows });
            }
        }
    }
    let unplaced: Vec<MeterRow> =
        meters.iter().filter(|meter| placement_of(meter).is_none()).map(|meter| meter_row(et, meter)).collect();
    if !unplaced.is_empty() {
        groups.push(MeterGroup { heading: et.not_placed.to_owned(), meters: unplaced });
    }
    groups
}

async fn page(
    state: &AppState,
    console: &Console,
    id: &str,
    form: MeterForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    tree_page(state, console, id, form, errors, TreeForm::default(), status).await
}

async fn tree_page(
    state: &AppState,
    console: &Console,
    id: &str,
    form: MeterForm,
    errors: FieldErrors,
    tree_form: TreeForm,
    status: StatusCode,
) -> Response {
    let FacilityPage { frame, et, facility } = match facility_page(state, console, id, |et| et.meters_title).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let store = state.store();
    let meters = match store.list_meters(console.actor()).await {
        Ok(meters) => meters,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let facility_meters: Vec<&Meter> = meters.iter().filter(|meter| meter.facility_id == facility.id).collect();
    let n_meters = facility_meters.len();
    let tree = match store.energy_site_tree(console.actor(), facility.id).await {
        Ok(tree) => Some(tree),
        Err(StoreError::NotFound) => None,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let language = console.text().language;
    let groups = meter_groups(et, language, &facility_meters, tree.as_ref());
    let site = tree.as_ref().map(|tree| {
        let settings = &tree.site.settings;
        SiteSummary {
            name: settings.name.clone(),
            grid_factor: format!(
                "{} t CO2e/MWh · {}",
                figure(settings.grid_factor.t_co2e_per_mwh, 4),
                tree.site.grid_factor_source(language)
            ),
            tariff: settings.tariff.as_ref().map_or_else(
                || et.no_tariff.to_owned(),
                |tariff| {
                    let source = tree.site.tariff_source(language).unwrap_or(&tariff.source);
                    format!("{} ¥/kWh · {}", figure(tariff.cny_per_kwh, 4), source)
                },
            ),
            interval: format!(
                "{} min · UTC{:+}",
                settings.interval_minutes,
                f64::from(settings.utc_offset_minutes) / 60.0
            ),
        }
    });
    let areas: Vec<(String, String)> = tree
        .as_ref()
        .map(|tree| tree.areas.iter().map(|area| (area.code.clone(), area.name.clone())).collect())
        .unwrap_or_default();
    let lines: Vec<(String, String)> = tree
        .as_ref()
        .map(|tree| tree.lines.iter().map(|line| (line.code.clone(), line.name.clone())).collect())
        .unwrap_or_default();
    let meter_codes: Vec<String> = facility_meters.iter().map(|meter| meter.code.as_str().to_owned()).collect();
    let equipments: Vec<(&'static str, String)> = tanji_energy::model::Equipment::ALL
        .iter()
        .map(|equipment| (tanji_store::energy_site::equipment_name(*equipment), equipment.localize(language)))
        .collect();
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
            site,
            areas,
            lines,
            meter_codes,
            equipments,
            tree_form,
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
    if let Err(answer) = facility_form(&state, &console, &id, &[Permission::EditEnergy]).await {
        return answer;
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

/// `POST /console/energy/facilities/{id}/meters/{form}`: saves the site's settings (`site`), an area (`area`), a
/// line (`line`) or a meter's place on a line (`place`), each `EditEnergy`, every wrong field named beside it.
pub async fn save_tree(
    State(state): State<AppState>,
    console: Console,
    Path((id, which)): Path<(String, String)>,
    Form(fields): Form<TreeFields>,
) -> Response {
    let facility = match facility_form(&state, &console, &id, &[Permission::EditEnergy]).await {
        Ok(facility) => facility,
        Err(answer) => return answer,
    };
    let which: &'static str = match which.as_str() {
        "site" => "site",
        "area" => "area",
        "line" => "line",
        "place" => "place",
        _ => return ErrorPage::not_found(&console.web).into_response(),
    };
    let (store, actor) = (state.store(), console.actor());
    let mut errors: Vec<FieldError> = Vec::new();
    let mut number = |field: &'static str, text: &str, required: bool| -> Option<f64> {
        match text.trim() {
            "" if !required => None,
            "" => {
                errors.push(FieldError::new(field, Problem::Required));
                None
            }
            text => text.parse::<f64>().ok().or_else(|| {
                errors.push(FieldError::new(field, Problem::Malformed { expected: "a number" }));
                None
            }),
        }
    };
    let saved: Result<(), StoreError> = match which {
        "site" => {
            let offset = number("utc_offset_minutes", &fields.utc_offset_minutes, true);
            let interval = number("interval_minutes", &fields.interval_minutes, true);
            let factor = number("grid_factor", &fields.grid_factor, true);
            let tariff = number("tariff", &fields.tariff, false);
            match (offset, interval, factor) {
                (Some(offset), Some(interval), Some(factor)) if errors.is_empty() => {
                    let settings = SiteSettings {
                        name: fields.name.clone(),
                        utc_offset_minutes: offset.round() as i32,
                        interval_minutes: interval.max(0.0).round() as u32,
                        grid_factor: RecordedGridFactor {
                            factor_id: None,
                            t_co2e_per_mwh: factor,
                            source: fields.grid_factor_source.clone(),
                        },
                        tariff: tariff
                            .map(|cny_per_kwh| RecordedTariff { cny_per_kwh, source: fields.tariff_source.clone() }),
                    };
                    match settings.check() {
                        Ok(()) => store.save_energy_site(actor, facility.id, &settings).await.map(|_| ()),
                        Err(more) => {
                            errors.extend(more);
                            Ok(())
                        }
                    }
                }
                _ => Ok(()),
            }
        }
        "area" => {
            let area = AreaInput { code: fields.code.trim().to_owned(), name: fields.name.clone() };
            match (parse_code("code", &area.code), single_line_text("name", &area.name, 200)) {
                (Ok(_), Ok(_)) => store.save_energy_area(actor, facility.id, &area).await.map(|_| ()),
                (code, name) => {
                    errors.extend(code.err().into_iter().chain(name.err()));
                    Ok(())
                }
            }
        }
        "line" => {
            let line = LineInput {
                code: fields.code.trim().to_owned(),
                name: fields.name.clone(),
                area_code: fields.area.trim().to_owned(),
                product_sku: fields.product_sku.trim().to_owned(),
                output_unit: fields.output_unit.trim().to_owned(),
                product_id: None,
            };
            match line.check() {
                Ok(()) => store.save_energy_line(actor, facility.id, &line).await.map(|_| ()),
                Err(more) => {
                    errors.extend(more);
                    Ok(())
                }
            }
        }
        _ => {
            let ct_ratio = number("ct_ratio", &fields.ct_ratio, false).unwrap_or(1.0);
            let pt_ratio = number("pt_ratio", &fields.pt_ratio, false).unwrap_or(1.0);
            let kwh_per_unit = number("kwh_per_unit", &fields.kwh_per_unit, false);
            let meter_code = MeterCode::parse("meter", &fields.meter).map_err(|error| errors.push(error)).ok();
            let equipment = parse_equipment("equipment", &fields.equipment).map_err(|error| errors.push(error)).ok();
            match (meter_code, equipment) {
                (Some(meter_code), Some(equipment)) if errors.is_empty() => {
                    let placement = MeterPlacement {
                        meter_code,
                        area_code: fields.area.trim().to_owned(),
                        line_code: Some(fields.line.trim().to_owned()).filter(|line| !line.is_empty()),
                        equipment,
                        served_product_sku: None,
                        ct_ratio,
                        pt_ratio,
                        kwh_per_unit,
                        rollover_value: None,
                    };
                    match placement.check() {
                        Ok(()) => store.place_energy_meter(actor, facility.id, &placement).await,
                        Err(more) => {
                            errors.extend(more);
                            Ok(())
                        }
                    }
                }
                _ => Ok(()),
            }
        }
    };
    let t = console.text();
    let shown = match saved {
        Ok(()) if errors.is_empty() => {
            return Redirect::to(&format!("/console/energy/facilities/{id}/meters?notice=tree_saved")).into_response();
        }
        Ok(()) => FieldErrors::from_errors(t, &errors),
        Err(StoreError::Invalid(error)) => FieldErrors::from_errors(t, &[error]),
        // An area or line that is not in the site, or a site without settings yet.
        Err(StoreError::NotFound) if which != "site" => {
            let field = if which == "place" { "line" } else { "area" };
            FieldErrors::from_errors(
                t,
                &[FieldError::new(field, Problem::Malformed { expected: "an area or line of this site" })],
            )
        }
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let tree_form = TreeForm { which, fields, errors: shown };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    tree_page(&state, &console, &id, MeterForm::default(), FieldErrors::default(), tree_form, status).await
}
