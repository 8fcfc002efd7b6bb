//! The one chain (SPEC.md §3): what the meters measured, handed over to the product footprint and to the GHG
//! inventory without anyone re-typing a number.
//!
//! * [`line_intensity`]: a line's measured energy per unit of output for a period — kWh per unit in total and per
//!   carrier — with the units produced, the meters and their reading counts, and the share of intervals cleaning had
//!   to estimate. The footprint adapter turns it into a production-stage energy input with its provenance.
//! * [`monthly_energy`]: a site's metered energy per local month and carrier (electricity kWh, natural gas m³,
//!   steam t or GJ …) with the meters as evidence; [`activity_rows`] writes those months as inventory activity rows
//!   (data source `meter`), the same rows an activity CSV holds, so they go through the inventory's one import path.
//!
//! The handover lives here because the meters, their cleaning and their units are the energy engine's: the footprint
//! and the inventory stay ignorant of meters. Inventory rows are plain text columns (`tanji_inventory::ActivityRow`),
//! so this module depends on the inventory's row format and nothing of its engine; the footprint's model is mapped by
//! the adapter, which keeps the heavy LCA crates out of the energy engine.
//!
//! Days are local to the site and an interval belongs to the day its start falls in, as in [`crate::analyze`], so the
//! figures here add up to the analysis' daily points.

use std::collections::{BTreeMap, HashMap};

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_inventory::ActivityRow;

use crate::analysis::{DayRange, ProductionRecord};
use crate::cleaning::{Grid, Quality, RawReading, clean};
use crate::model::{Equipment, MeterKind, MeterUnit, Site};

const SECONDS_PER_DAY: i64 = 86_400;

/// A meter as evidence for a handed-over figure: what it measures and how much of its data in the period were read
/// and how much estimated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterEvidence {
    /// The meter's id (its code in the meter tree).
    pub meter: String,
    /// What it measures.
    pub kind: MeterKind,
    /// What it serves on its line.
    pub serves: Equipment,
    /// Readings received whose time falls in the period.
    pub n_readings: usize,
    /// Metering intervals counted in the period.
    pub n_intervals: usize,
    /// Of them, estimated by cleaning (gaps spread, spikes replaced).
    pub n_estimated: usize,
}

/// The quantity of one energy carrier, in the meters' own unit and in kWh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarrierQuantity {
    /// The carrier.
    pub kind: MeterKind,
    /// The unit of `quantity` (the meters' register unit).
    pub unit: MeterUnit,
    /// Quantity after CT/PT ratio and multiplier, in `unit`.
    pub quantity: f64,
    /// The same in kWh (`None` when a volume or mass meter states no energy content).
    pub energy_kwh: Option<f64>,
    /// The meters summed.
    pub meters: Vec<String>,
}

/// A line's measured energy per unit of output over a period: primary data for a product footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineIntensity {
    /// The site (facility) the line stands in.
    pub site: String,
    /// The line's id.
    pub line: String,
    /// Its name.
    pub line_name: String,
    /// The SKU it makes.
    pub sku: String,
    /// The unit its counter counts ("cup").
    pub output_unit: String,
    /// The period asked for.
    pub period: DayRange,
    /// Days of the period with energy data.
    pub n_days_with_data: usize,
    /// Units produced on those days.
    pub production_units: f64,
    /// Energy of the line's energy meters on those days, kWh.
    pub energy_kwh: f64,
    /// `energy_kwh / production_units`.
    pub kwh_per_unit: f64,
    /// The energy by carrier (electricity, gas, steam …), each with its quantity per unit of output.
    pub carriers: Vec<CarrierIntensity>,
    /// The line's energy meters.
    pub meters: Vec<MeterEvidence>,
    /// Share of the counted intervals that cleaning estimated (0–1).
    pub estimated_share: f64,
}

impl LineIntensity {
    /// The kWh per unit of one carrier (0 when the line has no meter of it).
    pub fn kwh_per_unit_of(&self, kind: MeterKind) -> f64 {
        self.carriers
            .iter()
            .filter(|carrier| carrier.carrier.kind == kind)
            .filter_map(|carrier| carrier.kwh_per_unit)
            .sum()
    }

    /// Readings behind the figure, over all meters.
    pub fn n_readings(&self) -> usize {
        self.meters.iter().map(|meter| meter.n_readings).sum()
    }
}

/// One carrier of a line, per unit of output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarrierIntensity {
    /// The carrier's quantity over the period.
    pub carrier: CarrierQuantity,
    /// `quantity / production_units`, in the carrier's unit per unit of output.
    pub quantity_per_unit: f64,
    /// kWh per unit of output (`None` without an energy content).
    pub kwh_per_unit: Option<f64>,
}

/// A site's metered energy in one local month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyEnergy {
    /// "2025-03".
    pub month: String,
    /// The month's first day.
    pub first_day: Date,
    /// The month's last day.
    pub last_day: Date,
    /// Days of the month with data from at least one meter.
    pub n_days_with_data: usize,
    /// Energy carriers (water and compressed air excluded: not energy bought or burnt).
    pub carriers: Vec<CarrierQuantity>,
    /// The meters, with their readings and estimates in the month.
    pub meters: Vec<MeterEvidence>,
    /// Share of the month's intervals that cleaning estimated (0–1).
    pub estimated_share: f64,
}

/// Why a handover could not be made: a code with its parameters (`tanji-i18n::energy` says it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum HandoverError {
    /// No line with this id in the site.
    #[error("no line {line} in the site; known lines: {known}")]
    UnknownLine {
        /// The id asked for.
        line: String,
        /// The site's lines, comma-separated.
        known: String,
    },
    /// The line has no energy meter with data in the period.
    #[error("line {line} has no metered energy from {first} to {last}")]
    NoEnergyData {
        /// The line.
        line: String,
        /// First day of the period.
        first: Date,
        /// Last day of the period.
        last: Date,
    },
    /// The line produced nothing on the days with energy data: no energy per unit exists.
    #[error("line {line} recorded no output from {first} to {last}")]
    NoOutput {
        /// The line.
        line: String,
        /// First day of the period.
        first: Date,
        /// Last day of the period.
        last: Date,
    },
    /// No line made the SKU on days with metered energy in the period.
    #[error("no line made {sku} on metered days from {first} to {last}; lines without meter data: {unmetered_lines}")]
    NoMeteredOutput {
        /// The SKU asked for.
        sku: String,
        /// First day of the period.
        first: Date,
        /// Last day of the period.
        last: Date,
        /// Lines that made it on days without meter data, comma-separated (may be empty).
        unmetered_lines: String,
    },
    /// The period ends before it starts.
    #[error("the period ends ({last}) before it starts ({first})")]
    EmptyPeriod {
        /// First day.
        first: Date,
        /// Last day.
        last: Date,
    },
}

/// One meter's cleaned data by local day: (quantity in its unit after the register factor, kWh, intervals,
/// estimated intervals), and its readings by day.
struct MeterDays {
    days: BTreeMap<Date, DayTotals>,
    readings: BTreeMap<Date, usize>,
}

#[derive(Default, Clone, Copy)]
struct DayTotals {
    quantity: f64,
    energy_kwh: f64,
    n_intervals: usize,
    n_estimated: usize,
}

fn meter_days(site: &Site, readings: &HashMap<String, Vec<RawReading>>) -> Vec<MeterDays> {
    let grid = Grid { interval_s: site.interval_seconds(), utc_offset_s: site.utc_offset_seconds };
    let epoch = jiff::civil::date(1970, 1, 1);
    let day_of = |seconds: i64| {
        let day_idx = (seconds + i64::from(grid.utc_offset_s)).div_euclid(SECONDS_PER_DAY);
        epoch.checked_add(Span::new().days(day_idx)).unwrap_or(epoch)
    };
    site.meters
        .iter()
        .map(|meter| {
            let empty = Vec::new();
            let raw = readings.get(&meter.id).unwrap_or(&empty);
            let series = clean(raw, meter.register, grid);
            let factor = meter.register_factor();
            let kwh_factor = meter.kwh_per_register_unit();
            let mut days: BTreeMap<Date, DayTotals> = BTreeMap::new();
            for interval in &series.intervals {
                let totals = days.entry(day_of(interval.end_s - grid.interval_s)).or_default();
                totals.quantity += interval.quantity * factor;
                totals.energy_kwh += kwh_factor.map_or(0.0, |kwh_factor| interval.quantity * kwh_factor);
                totals.n_intervals += 1;
                totals.n_estimated += usize::from(interval.quality == Quality::Estimated);
            }
            let mut reading_days: BTreeMap<Date, usize> = BTreeMap::new();
            for reading in raw {
                // A reading closes the interval that ends at its time: it belongs to that interval's day.
                *reading_days.entry(day_of(reading.time_s - grid.interval_s)).or_default() += 1;
            }
            MeterDays { days, readings: reading_days }
        })
        .collect()
}

/// Sums carriers by (kind, unit), in the order of the site's meters.
fn add_carrier(
    carriers: &mut Vec<CarrierQuantity>,
    kind: MeterKind,
    unit: MeterUnit,
    meter: &str,
    totals: (f64, f64),
    has_energy: bool,
) {
    let carrier = match carriers.iter_mut().find(|carrier| carrier.kind == kind && carrier.unit == unit) {
        Some(carrier) => carrier,
        None => {
            carriers.push(CarrierQuantity {
                kind,
                unit,
                quantity: 0.0,
                energy_kwh: has_energy.then_some(0.0),
                meters: Vec::new(),
            });
            carriers.last_mut().expect("just pushed")
        }
    };
    carrier.quantity += totals.0;
    if has_energy {
        carrier.energy_kwh = Some(carrier.energy_kwh.unwrap_or(0.0) + totals.1);
    } else {
        carrier.energy_kwh = None;
    }
    if !carrier.meters.iter().any(|known| known == meter) {
        carrier.meters.push(meter.to_owned());
    }
}

/// A line's measured energy per unit of output over `period` (inclusive local days). Only the days on which the
/// line's meters have data count, for energy and output alike, as in the analysis' SEC.
pub fn line_intensity(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    line_id: &str,
    period: DayRange,
) -> Result<LineIntensity, HandoverError> {
    check_period(period)?;
    let Some(line) = site.line(line_id) else {
        return Err(HandoverError::UnknownLine {
            line: line_id.to_owned(),
            known: site.lines.iter().map(|line| line.id.as_str()).collect::<Vec<_>>().join(", "),
        });
    };
    let all_days = meter_days(site, readings);
    line_figures(site, &all_days, production, line, period, None).map(|(intensity, _)| intensity)
}

/// One line's part in a product's measured energy per unit: the line's own figures for the SKU over the period,
/// and its share of the product's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineShare {
    /// The line's figures for the SKU: its units of the SKU on its metered days and the energy allocated to them.
    pub intensity: LineIntensity,
    /// The line's units of the SKU / the product's units over all lines (0–1): the weight of its kWh per unit.
    pub output_share: f64,
    /// The share of the line's metered energy allocated to the SKU: its units of the SKU / all its units on the
    /// metered days (1 when the line made nothing else). Physical allocation by output count (ISO 14067 6.4.6.2),
    /// which suits lines making variants of one product.
    pub allocated_share: f64,
}

/// A product's (SKU's) measured energy per unit over a period, over every line that made it: total kWh over total
/// units, which is the output-weighted mean of the lines' kWh per unit. Primary data for the product's footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductIntensity {
    /// The site (facility).
    pub site: String,
    /// The SKU.
    pub sku: String,
    /// The unit the lines' counters count.
    pub output_unit: String,
    /// The period asked for.
    pub period: DayRange,
    /// Units of the SKU made on the lines' metered days, over every line.
    pub production_units: f64,
    /// The energy allocated to them, kWh.
    pub energy_kwh: f64,
    /// `energy_kwh / production_units` = Σ output share × line kWh per unit.
    pub kwh_per_unit: f64,
    /// The energy by carrier, summed over the lines, per unit of the SKU.
    pub carriers: Vec<CarrierIntensity>,
    /// Every line that made the SKU on its metered days, in the site's order.
    pub lines: Vec<LineShare>,
    /// Lines that made the SKU in the period but have no metered energy then: their output is not in the figure.
    pub unmetered_lines: Vec<String>,
    /// Share of the counted intervals that cleaning estimated (0–1), over every line's meters.
    pub estimated_share: f64,
}

impl ProductIntensity {
    /// The kWh per unit of one carrier (0 when no line has a meter of it).
    pub fn kwh_per_unit_of(&self, kind: MeterKind) -> f64 {
        self.carriers
            .iter()
            .filter(|carrier| carrier.carrier.kind == kind)
            .filter_map(|carrier| carrier.kwh_per_unit)
            .sum()
    }
}

/// A line's energy and output over its metered days of `period`, for `sku` (all output when `None`).
fn line_figures(
    site: &Site,
    all_days: &[MeterDays],
    production: &[ProductionRecord],
    line: &crate::model::Line,
    period: DayRange,
    sku: Option<&str>,
) -> Result<(LineIntensity, f64), HandoverError> {
    let mut carriers: Vec<CarrierQuantity> = Vec::new();
    let mut meters = Vec::new();
    let mut days_with_data: BTreeMap<Date, ()> = BTreeMap::new();
    let (mut n_intervals, mut n_estimated) = (0_usize, 0_usize);
    for (meter, days) in site.meters.iter().zip(all_days) {
        if meter.line != line.id || !meter.kind.is_energy() {
            continue;
        }
        let mut totals = DayTotals::default();
        for (day, day_totals) in days.days.range(period.first..=period.last) {
            days_with_data.insert(*day, ());
            totals.quantity += day_totals.quantity;
            totals.energy_kwh += day_totals.energy_kwh;
            totals.n_intervals += day_totals.n_intervals;
            totals.n_estimated += day_totals.n_estimated;
        }
        n_intervals += totals.n_intervals;
        n_estimated += totals.n_estimated;
        let has_energy = meter.kwh_per_register_unit().is_some();
        add_carrier(&mut carriers, meter.kind, meter.unit, &meter.id, (totals.quantity, totals.energy_kwh), has_energy);
        meters.push(MeterEvidence {
            meter: meter.id.clone(),
            kind: meter.kind,
            serves: meter.serves,
            n_readings: days.readings.range(period.first..=period.last).map(|(_, count)| count).sum(),
            n_intervals: totals.n_intervals,
            n_estimated: totals.n_estimated,
        });
    }
    if days_with_data.is_empty() {
        return Err(HandoverError::NoEnergyData { line: line.id.clone(), first: period.first, last: period.last });
    }
    let on_metered_days =
        |record: &&ProductionRecord| record.line == line.id && days_with_data.contains_key(&record.day);
    let all_units: f64 = production.iter().filter(on_metered_days).map(|record| record.units).sum();
    let production_units: f64 = production
        .iter()
        .filter(on_metered_days)
        .filter(|record| sku.is_none_or(|sku| record.sku == sku))
        .map(|record| record.units)
        .sum();
    if production_units <= 0.0 {
        return Err(HandoverError::NoOutput { line: line.id.clone(), first: period.first, last: period.last });
    }
    // The energy of days on which the line made other products too is shared by units made.
    let allocated_share = production_units / all_units;
    for carrier in &mut carriers {
        carrier.quantity *= allocated_share;
        carrier.energy_kwh = carrier.energy_kwh.map(|kwh| kwh * allocated_share);
    }
    let (energy_kwh, carriers) = per_unit(carriers, production_units);
    let intensity = LineIntensity {
        site: site.name.clone(),
        line: line.id.clone(),
        line_name: line.name.clone(),
        sku: sku.map_or_else(|| line.product_sku.clone(), str::to_owned),
        output_unit: line.output_unit.clone(),
        period,
        n_days_with_data: days_with_data.len(),
        production_units,
        energy_kwh,
        kwh_per_unit: energy_kwh / production_units,
        carriers,
        meters,
        estimated_share: estimated_share(n_intervals, n_estimated),
    };
    Ok((intensity, allocated_share))
}

/// A product's measured energy per unit over `period` (inclusive local days), over every line that made `sku`
/// on its metered days: Σ kWh / Σ units, so each line weighs by its output. A line that made other SKUs too gives
/// the SKU the share of its energy its units of the SKU are of all its units. Lines that made the SKU only on days
/// without meter data are named in `unmetered_lines`.
pub fn product_intensity(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    sku: &str,
    period: DayRange,
) -> Result<ProductIntensity, HandoverError> {
    check_period(period)?;
    let made_sku = |line: &crate::model::Line| {
        production.iter().any(|record| {
            record.line == line.id && record.sku == sku && record.units > 0.0 && period.contains(record.day)
        })
    };
    let all_days = meter_days(site, readings);
    let mut lines = Vec::new();
    let mut unmetered_lines = Vec::new();
    for line in site.lines.iter().filter(|line| made_sku(line)) {
        match line_figures(site, &all_days, production, line, period, Some(sku)) {
            Ok((intensity, allocated_share)) => {
                lines.push(LineShare { intensity, output_share: 0.0, allocated_share });
            }
            // Output only on days without meter data (or no meter at all): the line's units are not measured.
            Err(HandoverError::NoEnergyData { .. } | HandoverError::NoOutput { .. }) => {
                unmetered_lines.push(line.id.clone());
            }
            Err(error) => return Err(error),
        }
    }
    if lines.is_empty() {
        return Err(HandoverError::NoMeteredOutput {
            sku: sku.to_owned(),
            first: period.first,
            last: period.last,
            unmetered_lines: unmetered_lines.join(", "),
        });
    }
    let production_units: f64 = lines.iter().map(|share| share.intensity.production_units).sum();
    let mut carriers: Vec<CarrierQuantity> = Vec::new();
    let (mut n_intervals, mut n_estimated) = (0_usize, 0_usize);
    for share in &mut lines {
        share.output_share = share.intensity.production_units / production_units;
        for carrier in &share.intensity.carriers {
            let carrier = &carrier.carrier;
            merge_carrier(&mut carriers, carrier.clone());
        }
        for meter in &share.intensity.meters {
            n_intervals += meter.n_intervals;
            n_estimated += meter.n_estimated;
        }
    }
    let (energy_kwh, carriers) = per_unit(carriers, production_units);
    Ok(ProductIntensity {
        site: site.name.clone(),
        sku: sku.to_owned(),
        output_unit: lines[0].intensity.output_unit.clone(),
        period,
        production_units,
        energy_kwh,
        kwh_per_unit: energy_kwh / production_units,
        carriers,
        lines,
        unmetered_lines,
        estimated_share: estimated_share(n_intervals, n_estimated),
    })
}

/// Why a meter cannot be placed under an upstream meter (上级表): a code with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ParentProblem {
    /// A meter cannot be its own upstream meter.
    #[error("meter {meter} cannot be its own upstream meter")]
    SameMeter {
        /// The meter.
        meter: String,
    },
    /// The upstream meter measures another carrier: a sub-meter's energy is part of its upstream meter's only when
    /// both measure the same thing.
    #[error("meter {meter} measures {kind:?}, its upstream meter {parent} measures {parent_kind:?}")]
    DifferentKind {
        /// The meter.
        meter: String,
        /// What it measures.
        kind: MeterKind,
        /// The upstream meter asked for.
        parent: String,
        /// What that measures.
        parent_kind: MeterKind,
    },
    /// The upstream meter is downstream of the meter already: the tree would be a loop.
    #[error("meter {parent} is already downstream of {meter}: {path}")]
    Loop {
        /// The meter.
        meter: String,
        /// The upstream meter asked for.
        parent: String,
        /// The loop, as `A → B → A`.
        path: String,
    },
    /// The meter (or the upstream meter asked for) is not placed in the facility's site tree.
    #[error("meter {meter} is not placed in the site's tree")]
    NotPlaced {
        /// The code asked for.
        meter: String,
    },
}

impl ParentProblem {
    /// The stable code of the refusal, as the REST API answers it.
    pub fn code(&self) -> &'static str {
        match self {
            ParentProblem::SameMeter { .. } => "parent_same_meter",
            ParentProblem::DifferentKind { .. } => "parent_other_carrier",
            ParentProblem::Loop { .. } => "parent_loop",
            ParentProblem::NotPlaced { .. } => "meter_not_placed",
        }
    }
}

/// Checks that `parent` can be the upstream meter of `meter`, given what each meter measures and the upstream
/// meters already recorded (`parents`: meter → its upstream meter).
pub fn check_parent(
    kinds: &BTreeMap<String, MeterKind>,
    parents: &BTreeMap<String, String>,
    meter: &str,
    parent: &str,
) -> Result<(), ParentProblem> {
    if meter == parent {
        return Err(ParentProblem::SameMeter { meter: meter.to_owned() });
    }
    if let (Some(kind), Some(parent_kind)) = (kinds.get(meter), kinds.get(parent))
        && kind != parent_kind
    {
        return Err(ParentProblem::DifferentKind {
            meter: meter.to_owned(),
            kind: *kind,
            parent: parent.to_owned(),
            parent_kind: *parent_kind,
        });
    }
    // Walk up from the parent: meeting the meter means the parent is already below it.
    let mut path = vec![meter.to_owned(), parent.to_owned()];
    let mut current = parent;
    while let Some(next) = parents.get(current) {
        if next == meter {
            path.push(meter.to_owned());
            return Err(ParentProblem::Loop {
                meter: meter.to_owned(),
                parent: parent.to_owned(),
                path: path.join(" → "),
            });
        }
        if path.len() > parents.len() + 2 {
            break;
        }
        path.push(next.clone());
        current = next;
    }
    Ok(())
}

/// The meter at the top of `meter`'s sub-metering tree: the one whose energy already includes it, and so the one
/// a site's totals count. A meter without an upstream meter is its own top.
pub fn top_meter<'a>(parents: &'a BTreeMap<String, String>, meter: &'a str) -> &'a str {
    let mut current = meter;
    // At most one step per recorded parent: a loop (refused when recorded) cannot hang the walk.
    for _ in 0..=parents.len() {
        match parents.get(current) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// Keeps, of each month, only the carriers whose every counted meter has data for every interval of the month
/// (`interval_s` apart); the others are returned as (month, carrier). A metered month ranks above a monthly report
/// in the inventory, so a month a meter covers only partly must not stand in for a whole month.
pub fn complete_months(
    months: Vec<MonthlyEnergy>,
    site: &Site,
    interval_s: i64,
) -> (Vec<MonthlyEnergy>, Vec<(String, MeterKind)>) {
    let mut kept = Vec::new();
    let mut incomplete = Vec::new();
    for mut month in months {
        let n_expected = (i64::from(month.last_day.day()) * SECONDS_PER_DAY / interval_s) as usize;
        let mut kinds: Vec<MeterKind> = month.carriers.iter().map(|carrier| carrier.kind).collect();
        kinds.dedup();
        let complete_kind = |kind: MeterKind| {
            site.meters.iter().filter(|meter| meter.kind == kind).all(|meter| {
                month.meters.iter().any(|evidence| evidence.meter == meter.id && evidence.n_intervals >= n_expected)
            })
        };
        let (complete, partial): (Vec<MeterKind>, Vec<MeterKind>) =
            kinds.into_iter().partition(|kind| complete_kind(*kind));
        for kind in partial {
            if !incomplete.contains(&(month.month.clone(), kind)) {
                incomplete.push((month.month.clone(), kind));
            }
        }
        month.carriers.retain(|carrier| complete.contains(&carrier.kind));
        month.meters.retain(|meter| complete.contains(&meter.kind));
        if !month.carriers.is_empty() {
            kept.push(month);
        }
    }
    (kept, incomplete)
}

/// Whether a carrier is energy the site buys or burns (and so an inventory activity): compressed air is made on
/// site from electricity already metered, water is not energy.
pub fn is_bought_energy(kind: MeterKind) -> bool {
    matches!(kind, MeterKind::Electricity | MeterKind::NaturalGas | MeterKind::Steam)
}

/// The site's metered energy per local month and carrier, over all its electricity, natural-gas and steam meters,
/// in month order. Partial months are kept; `n_days_with_data` says how much of the month the meters cover.
pub fn monthly_energy(site: &Site, readings: &HashMap<String, Vec<RawReading>>) -> Vec<MonthlyEnergy> {
    let all_days = meter_days(site, readings);
    let month_of = |day: Date| (day.year(), day.month());
    let mut months: BTreeMap<(i16, i8), MonthlyEnergy> = BTreeMap::new();
    let mut month_days: BTreeMap<(i16, i8), BTreeMap<Date, ()>> = BTreeMap::new();
    let mut month_intervals: BTreeMap<(i16, i8), (usize, usize)> = BTreeMap::new();
    for (meter, days) in site.meters.iter().zip(&all_days) {
        if !is_bought_energy(meter.kind) {
            continue;
        }
        let mut by_month: BTreeMap<(i16, i8), DayTotals> = BTreeMap::new();
        for (day, totals) in &days.days {
            month_days.entry(month_of(*day)).or_default().insert(*day, ());
            let month = by_month.entry(month_of(*day)).or_default();
            month.quantity += totals.quantity;
            month.energy_kwh += totals.energy_kwh;
            month.n_intervals += totals.n_intervals;
            month.n_estimated += totals.n_estimated;
        }
        let mut readings_by_month: BTreeMap<(i16, i8), usize> = BTreeMap::new();
        for (day, count) in &days.readings {
            *readings_by_month.entry(month_of(*day)).or_default() += count;
        }
        for (key, totals) in by_month {
            let (year, month_number) = key;
            let first_day = jiff::civil::date(year, month_number, 1);
            let entry = months.entry(key).or_insert_with(|| MonthlyEnergy {
                month: format!("{year:04}-{month_number:02}"),
                first_day,
                last_day: first_day.last_of_month(),
                n_days_with_data: 0,
                carriers: Vec::new(),
                meters: Vec::new(),
                estimated_share: 0.0,
            });
            let has_energy = meter.kwh_per_register_unit().is_some();
            add_carrier(
                &mut entry.carriers,
                meter.kind,
                meter.unit,
                &meter.id,
                (totals.quantity, totals.energy_kwh),
                has_energy,
            );
            entry.meters.push(MeterEvidence {
                meter: meter.id.clone(),
                kind: meter.kind,
                serves: meter.serves,
                n_readings: readings_by_month.get(&key).copied().unwrap_or(0),
                n_intervals: totals.n_intervals,
                n_estimated: totals.n_estimated,
            });
            let counts = month_intervals.entry(key).or_default();
            counts.0 += totals.n_intervals;
            counts.1 += totals.n_estimated;
        }
    }
    months
        .into_iter()
        .map(|(key, mut month)| {
            month.n_days_with_data = month_days.get(&key).map_or(0, BTreeMap::len);
            let (n_intervals, n_estimated) = month_intervals.get(&key).copied().unwrap_or_default();
            month.estimated_share = estimated_share(n_intervals, n_estimated);
            month
        })
        .collect()
}

/// How metered months become inventory activity rows: where they belong and how each carrier is calculated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryHandover {
    /// The facility's code (or name) in the inventory.
    pub facility: String,
    /// The emission point the rows measure ("主变 10kV 进线"): rows of the same point, activity and method compete
    /// by data source, so naming the point another source already reports lets the inventory choose between them.
    pub emission_point: String,
    /// The grid factor for purchased electricity (location-based), a factor library id.
    pub electricity_factor: String,
    /// Default fuel parameters for natural gas (a fuel-parameter id such as `ipcc-2006-ncv-cc-natural-gas`);
    /// a meter's stated energy content is written as the measured NCV.
    pub natural_gas_parameters: Option<String>,
    /// The factor for purchased steam, a factor library id (per t or per GJ, as the steam meters count).
    pub steam_factor: Option<String>,
}

/// The record key of a carrier's month: stable, so handing the same month over again replaces it.
pub fn activity_key(facility: &str, kind: MeterKind, unit: MeterUnit, month: &str) -> String {
    let kind = MeterKind::NAMES[kind as usize];
    format!("meter:{facility}:{kind}:{}:{month}", unit.symbol())
}

/// A period that ends before it starts is refused.
fn check_period(period: DayRange) -> Result<(), HandoverError> {
    if period.last < period.first {
        return Err(HandoverError::EmptyPeriod { first: period.first, last: period.last });
    }
    Ok(())
}

/// The carriers' total kWh, and each carrier per unit of `production_units`.
fn per_unit(carriers: Vec<CarrierQuantity>, production_units: f64) -> (f64, Vec<CarrierIntensity>) {
    let energy_kwh: f64 = carriers.iter().filter_map(|carrier| carrier.energy_kwh).sum();
    let carriers = carriers
        .into_iter()
        .map(|carrier| CarrierIntensity {
            quantity_per_unit: carrier.quantity / production_units,
            kwh_per_unit: carrier.energy_kwh.map(|kwh| kwh / production_units),
            carrier,
        })
        .collect();
    (energy_kwh, carriers)
}

/// The share of counted intervals that cleaning estimated (0 when none were counted).
fn estimated_share(n_intervals: usize, n_estimated: usize) -> f64 {
    if n_intervals > 0 { n_estimated as f64 / n_intervals as f64 } else { 0.0 }
}

/// Adds `carrier` to the carrier of the same kind and unit in `carriers` (kWh only while every part states it), or
/// appends it.
fn merge_carrier(carriers: &mut Vec<CarrierQuantity>, carrier: CarrierQuantity) {
    match carriers.iter_mut().find(|known| known.kind == carrier.kind && known.unit == carrier.unit) {
        Some(known) => {
            known.quantity += carrier.quantity;
            known.energy_kwh = known.energy_kwh.zip(carrier.energy_kwh).map(|(left, right)| left + right);
            known.meters.extend(carrier.meters);
        }
        None => carriers.push(carrier),
    }
}

/// What the notes of a metered activity row say: how many readings and intervals the month's figure comes from,
/// how many of the intervals were estimated by the cleaning, and how many of the month's days have data. The row
/// stores it as a code with parameters ([`MeteredNotes::code`]), so that each reader gets it in their own language
/// (`tanji_i18n`); [`MeteredNotes::parse`] also reads it back from the English sentence rows stored before the code
/// (and from a rendering in either language, as an activity CSV written for a reader carries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeteredNotes {
    /// Readings of the month's meters.
    pub n_readings: usize,
    /// Intervals the readings make.
    pub n_intervals: usize,
    /// Intervals the cleaning estimated.
    pub n_estimated: usize,
    /// Days of the month with data.
    pub n_days_with_data: usize,
    /// Days in the month.
    pub n_days: usize,
}

impl MeteredNotes {
    /// The stored form: `tanji:metered readings=2976 intervals=2976 estimated=0 days=31/31`.
    pub fn code(&self) -> String {
        let MeteredNotes { n_readings, n_intervals, n_estimated, n_days_with_data, n_days } = self;
        format!(
            "tanji:metered readings={n_readings} intervals={n_intervals} estimated={n_estimated} days={n_days_with_data}/{n_days}"
        )
    }

    /// The notes `text` says, when it is this value in any form `render` gives (the code, and the sentences of
    /// each language, among them the English one stored before the code); `None` for any other notes, which are
    /// the user's own text. `render` lists the sentences of a value; the catalogue passes its own.
    pub fn parse(text: &str, render: impl Fn(&MeteredNotes) -> Vec<String>) -> Option<MeteredNotes> {
        let numbers: Vec<usize> = text
            .split(|character: char| !character.is_ascii_digit())
            .filter(|digits| !digits.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let [n_readings, n_intervals, n_estimated, n_days_with_data, n_days] = numbers[..] else {
            return None;
        };
        let notes = MeteredNotes { n_readings, n_intervals, n_estimated, n_days_with_data, n_days };
        let text = text.trim();
        (notes.code() == text || render(&notes).iter().any(|sentence| sentence == text)).then_some(notes)
    }
}

/// Writes metered months as inventory activity rows (data source `meter`, the meter codes as evidence), one per
/// month and carrier. Carriers the handover has no method for (natural gas without fuel parameters, steam without a
/// factor) are returned apart, so the caller can say so rather than drop energy silently.
pub fn activity_rows(
    months: &[MonthlyEnergy],
    handover: &InventoryHandover,
) -> (Vec<ActivityRow>, Vec<(String, MeterKind)>) {
    let mut rows = Vec::new();
    let mut left_out = Vec::new();
    for month in months {
        // Electricity is one row a month whatever unit each meter counts in (all are kWh); gas and steam one per unit.
        let mut merged: Vec<CarrierQuantity> = Vec::new();
        for carrier in &month.carriers {
            let unit = if carrier.kind == MeterKind::Electricity { MeterUnit::KilowattHour } else { carrier.unit };
            let quantity = if carrier.kind == MeterKind::Electricity {
                carrier.energy_kwh.unwrap_or(0.0)
            } else {
                carrier.quantity
            };
            merge_carrier(&mut merged, CarrierQuantity { unit, quantity, ..carrier.clone() });
        }
        for carrier in &merged {
            let meters = month.meters.iter().filter(|meter| carrier.meters.contains(&meter.meter));
            let (n_readings, n_intervals, n_estimated) = meters.fold((0, 0, 0), |sum, meter| {
                (sum.0 + meter.n_readings, sum.1 + meter.n_intervals, sum.2 + meter.n_estimated)
            });
            let days_in_month = i64::from(month.last_day.day());
            let mut row = ActivityRow {
                id: activity_key(&handover.facility, carrier.kind, carrier.unit, &month.month),
                facility: handover.facility.clone(),
                period: month.month.clone(),
                emission_point: handover.emission_point.clone(),
                data_source: "meter".to_owned(),
                // Reliability 1 (measured); completeness 1 when the meters cover every day of the month.
                quality: format!("1,1,1,1,{}", if month.n_days_with_data as i64 >= days_in_month { 1 } else { 3 }),
                evidence: carrier.meters.join("; "),
                notes: MeteredNotes {
                    n_readings,
                    n_intervals,
                    n_estimated,
                    n_days_with_data: month.n_days_with_data,
                    n_days: days_in_month as usize,
                }
                .code(),
                ..ActivityRow::default()
            };
            match carrier.kind {
                MeterKind::Electricity => {
                    let kwh = carrier.quantity;
                    row.source = "purchased_electricity".to_owned();
                    row.activity = "电网购电".to_owned();
                    row.quantity = format_metered(kwh);
                    row.unit = "kWh".to_owned();
                    row.method = "electricity".to_owned();
                    row.factor = handover.electricity_factor.clone();
                }
                MeterKind::NaturalGas => {
                    let Some(parameters) = &handover.natural_gas_parameters else {
                        left_out.push((month.month.clone(), carrier.kind));
                        continue;
                    };
                    row.source = "stationary_combustion".to_owned();
                    row.activity = "天然气".to_owned();
                    row.quantity = format_metered(carrier.quantity);
                    row.unit = carrier.unit.symbol().to_owned();
                    row.method = "fuel_combustion".to_owned();
                    row.fuel_parameters = parameters.clone();
                    if let Some(kwh) = carrier.energy_kwh
                        && carrier.quantity > 0.0
                    {
                        // The meter's stated energy content, as a measured NCV: kWh × 0.0036 GJ/kWh per unit.
                        row.ncv = format_quantity(kwh * 0.0036 / carrier.quantity);
                        row.ncv_unit = format!("GJ/{}", carrier.unit.symbol());
                    }
                }
                MeterKind::Steam => {
                    let Some(factor) = &handover.steam_factor else {
                        left_out.push((month.month.clone(), carrier.kind));
                        continue;
                    };
                    row.source = "purchased_heat".to_owned();
                    row.activity = "外购蒸汽".to_owned();
                    row.quantity = format_metered(carrier.quantity);
                    row.unit = carrier.unit.symbol().to_owned();
                    row.method = "factor".to_owned();
                    row.factor = factor.clone();
                }
                MeterKind::Water | MeterKind::CompressedAir => continue,
            }
            rows.push(row);
        }
    }
    (rows, left_out)
}

/// A quantity as written into a row: the shortest text that reads back as the same number.
fn format_quantity(value: f64) -> String {
    format!("{value}")
}

/// A metered month's quantity as written into a row: to a thousandth of the meters' unit (a watt-hour for kWh), finer
/// than any register resolves, so that a sum of intervals is not written with its float noise (589649.4759999984).
fn format_metered(value: f64) -> String {
    format_quantity((value * 1000.0).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::format_metered;

    #[test]
    fn a_metered_quantity_is_written_to_a_thousandth_without_float_noise() {
        assert_eq!(format_metered(589_649.475_999_998_4), "589649.476");
        assert_eq!(format_metered(0.1 + 0.2), "0.3");
        assert_eq!(format_metered(120_000.0), "120000");
        assert_eq!(format_metered(0.0004), "0");
    }
}
