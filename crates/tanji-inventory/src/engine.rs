//! The calculation: every record becomes a traceable result line (record → factor → GWP set → formula → number),
//! lines are consolidated by the boundary and summed by scope, category, gas, facility and month. Problems become
//! diagnostics; the rest of the inventory is still calculated.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use foldhash::HashMap as FastHashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_ghg::{
    CO2_PER_C, Co2eBasis, EmissionFactor, FactorCategory, FactorCo2e, FactorError, FactorLibrary, FactorRef,
    FuelParameters, Gas, GasGroup, GwpError, GwpSet, GwpTable, RefrigerantGwp,
};
use tanji_units::{Quantity, Unit, UnitError};

use crate::classification::{DataSourceKind, EmissionSource, IsoCategory, Scope};
use crate::formula::{
    BlendComponent, FactorTerm, FormulaStep, Parameter, ParameterOrigin, RefrigerantLoss, formula_or_legacy,
    parameters_or_legacy,
};
use crate::message::{
    Completeness, CompletenessAssessment, DiagnosticMessage, ExclusionReason, Plausibility, RecordActivity,
    diagnostic_message_or_legacy,
};
use crate::model::{
    ActivityRecord, ConsolidationApproach, FacilityBoundary, FactorChoice, InventoryInput, Method, RefrigerantApproach,
};

/// What the calculation may draw on.
#[derive(Clone, Copy)]
pub struct Reference<'a> {
    pub factors: &'a FactorLibrary,
    pub fuel_parameters: &'a [FuelParameters],
    pub gwp: &'a GwpTable,
}

/// How a result line entered (or did not enter) the totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum LineStatus {
    Counted,
    /// A higher-priority data source covers the same activity and period.
    Superseded {
        by_record: String,
        by_source: DataSourceKind,
    },
    /// Not calculated; see the diagnostics. The totals are incomplete without it.
    Failed,
    /// Outside the boundary under the chosen approach (share 0) or outside the period.
    Excluded {
        reason: ExclusionReason,
    },
}

/// One gas of a result line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasLine {
    /// `None` for a source's published non-CO2 remainder that is not split by gas.
    pub gas: Option<String>,
    pub group: Option<GasGroup>,
    pub mass_kg: Option<f64>,
    pub gwp: Option<f64>,
    /// Gross (100 %) CO2e of this gas.
    pub co2e_kg: f64,
}

/// The factor a line used, with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorTrace {
    pub reference: FactorRef,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub citation: String,
    pub verification: String,
    pub licence: String,
    pub year: i32,
    pub region: String,
    /// The CO2e basis: recomputed per gas under the inventory's set, or as published under the source's set.
    pub basis: Co2eBasis,
}

/// One record's result, with everything needed to follow it back to its inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultLine {
    pub record_id: String,
    pub facility: String,
    pub period_start: Date,
    pub period_end: Date,
    pub source: EmissionSource,
    pub scope: Scope,
    pub scope3_category: Option<u8>,
    pub iso_category: IsoCategory,
    pub emission_point: String,
    pub activity: String,
    /// The quantity as entered, e.g. `1200 kWh`.
    pub quantity_entered: String,
    /// The same quantity as a value (absent in results stored before it was kept; read from `quantity_entered`).
    #[serde(default)]
    pub quantity: Option<Quantity>,
    pub data_source: DataSourceKind,
    pub status: LineStatus,
    pub factors: Vec<FactorTrace>,
    /// The fuel parameters used (measured or default with their citation).
    #[serde(deserialize_with = "parameters_or_legacy")]
    pub parameters: Vec<Parameter>,
    /// The arithmetic, with numbers, in the order performed.
    #[serde(deserialize_with = "formula_or_legacy")]
    pub formula: Vec<FormulaStep>,
    pub gases: Vec<GasLine>,
    /// Share of the record inside the reporting period (by days).
    pub period_share: f64,
    /// Share consolidated under the boundary approach.
    pub boundary_share: f64,
    /// Gross CO2e of the gases in scope totals, for the record's whole period (kg).
    pub gross_co2e_kg: f64,
    /// Reported CO2e: gross × period share × boundary share (kg). Location-based for electricity.
    pub co2e_kg: f64,
    /// Market-based CO2e for purchased electricity (kg, reported basis).
    pub market_based_co2e_kg: Option<f64>,
    /// Biogenic CO2 (kg, reported basis): never in scope totals.
    pub biogenic_co2_kg: f64,
    /// Gases outside the Kyoto groups (kg CO2e, reported basis): memo only.
    pub memo_co2e_kg: f64,
    pub uncertainty_percent: Option<f64>,
    pub quality_mean: Option<f64>,
    pub evidence: Vec<String>,
    /// Reported CO2e by month (`YYYY-MM`), prorated by days.
    pub monthly_co2e_kg: BTreeMap<String, f64>,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The record could not be calculated.
    Error,
    /// Calculated, but a reviewer should look.
    Warning,
    /// Shown for transparency (e.g. which data source was chosen).
    Info,
}

/// What a diagnostic is about. Exhaustive on purpose: the catalogue names every kind, so a new one fails the build
/// until both languages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// The record names a factor the library does not hold.
    MissingFactor,
    /// The record's unit cannot be converted to the factor's unit.
    UnitMismatch,
    /// A gas has no GWP in the inventory's set.
    MissingGwp,
    /// A fuel parameter (NCV, CC, OF) is neither measured nor available as a default.
    MissingParameter,
    /// The record's facility is not in the boundary.
    UnknownFacility,
    /// A continuous source has months without data.
    PeriodGap,
    /// The record reaches outside the reporting period and is prorated.
    OutsidePeriod,
    /// A higher-priority data source was used for the same activity.
    SourceChosen,
    /// Two records of the same priority cover the same activity and period.
    PossibleDoubleCount,
    /// A record with certificates, PPAs or a market factor is superseded by one without them: the market-based
    /// figure loses them.
    InstrumentsNotCarried,
    /// A factor's published CO2e uses another GWP set than the inventory.
    GwpSetDiffers,
    /// Market-based electricity fell back to the location factor.
    MarketFactorMissing,
    /// A non-Kyoto gas is reported as a memo item.
    MemoGas,
    /// A line's result is too large to be real (or not a number): a wrong quantity, unit or parameter.
    ImplausibleResult,
    /// A parameter is almost certainly in the wrong unit or range; the figure is shown with this warning.
    ImplausibleParameter,
}

/// A problem or remark, tied to a record where there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: DiagnosticKind,
    pub record_id: Option<String>,
    /// What to tell the person, as a message value (rendered by `tanji-i18n`).
    #[serde(deserialize_with = "diagnostic_message_or_legacy")]
    pub message: DiagnosticMessage,
}

/// A key of [`Totals::by_gas_group`]: a gas group (GHG Protocol), or the non-CO2 part of a published CO2e total that
/// its source does not split by gas (DESNZ). A value, named for people by `tanji-i18n`; in JSON it is the stable key
/// `key()` (`"CO2"`, `"HFCs"`, `"non-CO2 (published CO2e)"`), which is what versions stored before it was a type hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GasTotalGroup {
    /// A group of gases that counts in scope totals.
    Group(GasGroup),
    /// The non-CO2 remainder of a published CO2e total, not split by gas.
    PublishedNonCo2,
}

impl GasTotalGroup {
    /// The JSON key of [`GasTotalGroup::PublishedNonCo2`]. It reads as English, but it is an id: stored versions and
    /// API clients use it, so it does not change.
    pub const PUBLISHED_NON_CO2_KEY: &'static str = "non-CO2 (published CO2e)";

    /// The stable key, as in JSON.
    pub fn key(self) -> &'static str {
        match self {
            GasTotalGroup::Group(group) => group.symbol(),
            GasTotalGroup::PublishedNonCo2 => GasTotalGroup::PUBLISHED_NON_CO2_KEY,
        }
    }

    /// The group a key names.
    pub fn parse(key: &str) -> Option<GasTotalGroup> {
        const GROUPS: [GasGroup; 8] = [
            GasGroup::CarbonDioxide,
            GasGroup::Methane,
            GasGroup::NitrousOxide,
            GasGroup::Hydrofluorocarbons,
            GasGroup::Perfluorocarbons,
            GasGroup::SulphurHexafluoride,
            GasGroup::NitrogenTrifluoride,
            GasGroup::Other,
        ];
        if key == GasTotalGroup::PUBLISHED_NON_CO2_KEY {
            return Some(GasTotalGroup::PublishedNonCo2);
        }
        GROUPS.into_iter().find(|group| group.symbol() == key).map(GasTotalGroup::Group)
    }
}

impl std::fmt::Display for GasTotalGroup {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.key())
    }
}

impl Serialize for GasTotalGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for GasTotalGroup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        GasTotalGroup::parse(&key).ok_or_else(|| serde::de::Error::custom(format!("unknown gas group “{key}”")))
    }
}

/// Sums over counted lines (kg CO2e, reported basis).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub scope1_kg: f64,
    pub scope2_location_kg: f64,
    pub scope2_market_kg: f64,
    pub scope3_kg: f64,
    /// Scope 1 + 2 (location) + 3.
    pub total_location_kg: f64,
    /// Scope 1 + 2 (market) + 3.
    pub total_market_kg: f64,
    pub biogenic_co2_kg: f64,
    pub memo_co2e_kg: f64,
    /// The China guideline total: scope 1 + 2 (location) − exported electricity and heat.
    pub china_guideline_net_kg: f64,
    pub by_scope3_category: BTreeMap<u8, f64>,
    pub by_iso_category: BTreeMap<u8, f64>,
    pub by_gas_group: BTreeMap<GasTotalGroup, f64>,
    pub by_facility: BTreeMap<String, f64>,
    pub by_month: BTreeMap<String, f64>,
    /// Relative uncertainty of the total (95 %, percent), IPCC 2006 Vol. 1 Eq. 3.2, over lines that state one.
    pub uncertainty_percent: Option<f64>,
    /// Lines counted without a stated uncertainty.
    pub n_lines_without_uncertainty: usize,
    /// Whether these totals count every record they should: every total carries this flag.
    #[serde(default)]
    pub completeness: Completeness,
}

/// A calculated inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub organisation: String,
    pub period_start: Date,
    pub period_end: Date,
    pub gwp_set: GwpSet,
    pub consolidation: crate::model::ConsolidationApproach,
    pub lines: Vec<ResultLine>,
    pub totals: Totals,
    pub diagnostics: Vec<Diagnostic>,
    /// Every factor version the inventory used (pinned).
    pub factors_used: Vec<FactorRef>,
    /// Diagnostics not listed, by kind, when an inventory streamed from a large file keeps only the first of each
    /// kind (see [`RunOptions::max_diagnostics_per_kind`]); empty when every diagnostic is listed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub n_diagnostics_omitted: BTreeMap<DiagnosticKind, usize>,
}

/// Inclusive day count between two dates.
fn days_inclusive(start: Date, end: Date) -> i64 {
    // A civil date has no time zone, so every day is 86,400 s: the duration in seconds is days × 86,400 exactly, and
    // far cheaper to get than the calendar `Span` that `end - start` builds (a few calls per row of a large file).
    end.duration_since(start).as_secs() / 86_400 + 1
}

/// Days of `[start, end]` falling in each month.
fn days_by_month(start: Date, end: Date) -> BTreeMap<String, i64> {
    month_spans(start, end)
        .map(|(month_start, month_end)| {
            (month_key(month_start.year(), month_start.month()), days_inclusive(month_start, month_end))
        })
        .collect()
}

/// The months (year, month) that `[start, end]` touches: the keys of [`days_by_month`], unwritten.
fn months_of(start: Date, end: Date) -> impl Iterator<Item = (i16, i8)> {
    month_spans(start, end).map(|(month_start, _)| (month_start.year(), month_start.month()))
}

/// `[start, end]` cut at month ends.
fn month_spans(start: Date, end: Date) -> impl Iterator<Item = (Date, Date)> {
    let mut month_start = start;
    std::iter::from_fn(move || {
        if month_start > end {
            return None;
        }
        // The first of the next month, built directly rather than by adding a calendar `Span` (costly per row).
        let (year, month) = (month_start.year(), month_start.month());
        let first_of_next = if month == 12 { Date::new(year + 1, 1, 1) } else { Date::new(year, month + 1, 1) };
        let next_month = first_of_next.unwrap_or(end.tomorrow().unwrap_or(end));
        let month_end = next_month.yesterday().unwrap_or(end).min(end);
        let span = (month_start, month_end);
        month_start = next_month;
        Some(span)
    })
}

/// A month as totals and diagnostics name it: `2025-03`.
fn month_key(year: i16, month: i8) -> String {
    format!("{year:04}-{month:02}")
}

/// The words of a line (formula steps, parameters), kept only when the lines are kept: an inventory streamed for
/// its totals skips them, which was most of the time spent per record.
struct Notes<T> {
    explain: bool,
    items: Vec<T>,
}

impl<T> Notes<T> {
    fn new(explain: bool) -> Notes<T> {
        Notes { explain, items: Vec::new() }
    }

    fn push(&mut self, item: impl FnOnce() -> T) {
        if self.explain {
            self.items.push(item());
        }
    }

    fn append(&mut self, other: Notes<T>) {
        self.items.extend(other.items);
    }

    fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

struct LineDraft {
    explain: bool,
    gases: Vec<GasLine>,
    formula: Notes<FormulaStep>,
    factors: Vec<FactorTrace>,
    parameters: Notes<Parameter>,
    biogenic_co2_kg: f64,
    market_based_gross_kg: Option<f64>,
    negate: bool,
}

/// The largest amount a line may hold, in kg (CO2e or gas mass): about 10¹⁷ times the world's yearly emissions, so
/// only a wrong quantity, unit or parameter reaches it — and sums of lines below it cannot overflow.
const MAX_PLAUSIBLE_KG: f64 = 1e30;

fn plausible_kg(kg: f64) -> bool {
    kg.is_finite() && kg.abs() <= MAX_PLAUSIBLE_KG
}

impl LineDraft {
    /// Whether every amount of the line is a number within [`MAX_PLAUSIBLE_KG`].
    fn amounts_are_plausible(&self) -> bool {
        plausible_kg(self.biogenic_co2_kg)
            && self.market_based_gross_kg.is_none_or(plausible_kg)
            && self.gases.iter().all(|gas| plausible_kg(gas.co2e_kg) && gas.mass_kg.is_none_or(plausible_kg))
    }

    /// Drops the amounts of a line that failed, keeping its formula and factors to show what was attempted — but not
    /// the steps that overflowed: a number that is not finite has no JSON form, and the stored result must read back.
    fn clear_amounts(&mut self) {
        self.formula.retain(FormulaStep::is_finite);
        self.gases.clear();
        self.biogenic_co2_kg = 0.0;
        self.market_based_gross_kg = None;
    }

    /// A gas's name on a line that is explained; a line summed and dropped is never shown, so it names no gas (its
    /// gases' groups and amounts are what the totals read).
    fn gas_name(&self, name: &str) -> Option<String> {
        self.explain.then(|| name.to_owned())
    }

    fn new(explain: bool) -> LineDraft {
        LineDraft {
            explain,
            gases: Vec::new(),
            formula: Notes::new(explain),
            factors: Vec::new(),
            parameters: Notes::new(explain),
            biogenic_co2_kg: 0.0,
            market_based_gross_kg: None,
            negate: false,
        }
    }
}

struct Calculation<'a> {
    reference: Reference<'a>,
    gwp_set: GwpSet,
    diagnostics: Vec<Diagnostic>,
    /// Diagnostics given so far, by kind, and those not kept because their kind reached the limit.
    n_diagnostics_by_kind: BTreeMap<DiagnosticKind, usize>,
    n_diagnostics_omitted: BTreeMap<DiagnosticKind, usize>,
    max_diagnostics_per_kind: Option<usize>,
    /// Factor versions used, as (id, version) of the library's factors.
    factors_used: BTreeSet<(&'a str, u32)>,
    /// Each factor version's rates in CO2e and each refrigerant's GWP under the inventory's set, worked out on first
    /// use: a large file names a handful of factors a million times.
    factor_co2e: FastHashMap<(&'a str, u32), Arc<Result<FactorCo2e, FactorError>>>,
    refrigerant_gwp: FastHashMap<String, Arc<Result<RefrigerantGwp, GwpError>>>,
}

impl<'a> Calculation<'a> {
    fn new(reference: Reference<'a>, gwp_set: GwpSet, options: RunOptions) -> Calculation<'a> {
        Calculation {
            reference,
            gwp_set,
            diagnostics: Vec::new(),
            n_diagnostics_by_kind: BTreeMap::new(),
            n_diagnostics_omitted: BTreeMap::new(),
            max_diagnostics_per_kind: options.max_diagnostics_per_kind,
            factors_used: BTreeSet::new(),
            factor_co2e: FastHashMap::default(),
            refrigerant_gwp: FastHashMap::default(),
        }
    }

    fn diagnose(
        &mut self,
        severity: Severity,
        kind: DiagnosticKind,
        record: Option<&ActivityRecord>,
        message: DiagnosticMessage,
    ) {
        if self.keeps(kind) {
            self.diagnostics.push(Diagnostic {
                severity,
                kind,
                record_id: record.map(|record| record.id.clone()),
                message,
            });
        }
    }

    /// A diagnostic about a record known by its id; the message is made only if the diagnostic is kept.
    fn diagnose_record(
        &mut self,
        severity: Severity,
        kind: DiagnosticKind,
        record_id: &str,
        message: impl FnOnce() -> DiagnosticMessage,
    ) {
        if self.keeps(kind) {
            self.diagnostics.push(Diagnostic {
                severity,
                kind,
                record_id: Some(record_id.to_owned()),
                message: message(),
            });
        }
    }

    /// `factor.co2e` under the inventory's GWP set.
    fn factor_co2e(&mut self, factor: &'a EmissionFactor) -> Arc<Result<FactorCo2e, FactorError>> {
        let (gwp_set, gwp) = (self.gwp_set, self.reference.gwp);
        Arc::clone(
            self.factor_co2e
                .entry((factor.id.as_str(), factor.version))
                .or_insert_with(|| Arc::new(factor.co2e(gwp_set, gwp))),
        )
    }

    /// The GWP of a refrigerant (or blend) under the inventory's GWP set.
    fn refrigerant_gwp(&mut self, refrigerant: &str) -> Arc<Result<RefrigerantGwp, GwpError>> {
        if let Some(known) = self.refrigerant_gwp.get(refrigerant) {
            return Arc::clone(known);
        }
        let gwp = Arc::new(self.reference.gwp.refrigerant_gwp(refrigerant, self.gwp_set));
        self.refrigerant_gwp.insert(refrigerant.to_owned(), Arc::clone(&gwp));
        gwp
    }

    /// How many more diagnostics of `kind` are kept (`usize::MAX` when there is no limit).
    fn room_for(&self, kind: DiagnosticKind) -> usize {
        let n_of_kind = self.n_diagnostics_by_kind.get(&kind).copied().unwrap_or(0);
        self.max_diagnostics_per_kind.map_or(usize::MAX, |max| max.saturating_sub(n_of_kind))
    }

    /// Counts a diagnostic of `kind`, and whether it is kept (within the limit per kind).
    fn keeps(&mut self, kind: DiagnosticKind) -> bool {
        let n_of_kind = self.n_diagnostics_by_kind.entry(kind).or_default();
        *n_of_kind += 1;
        if self.max_diagnostics_per_kind.is_some_and(|max| *n_of_kind > max) {
            *self.n_diagnostics_omitted.entry(kind).or_default() += 1;
            return false;
        }
        true
    }

    fn gwp_message(&self, error: &(impl GwpProblem + std::fmt::Display)) -> DiagnosticMessage {
        gwp_message_with(error, self.reference.gwp, error.to_string())
    }

    /// Warnings, shown next to the line's figure, for parameters that are almost certainly in the wrong unit or range.
    /// Import refuses the impossible ones; records from files and older data reach the engine unchecked, so the engine
    /// says it again rather than count them silently.
    fn check_plausibility(&mut self, record: &ActivityRecord) {
        for finding in plausibility_findings(record, self.reference.factors) {
            self.diagnose(
                Severity::Warning,
                DiagnosticKind::ImplausibleParameter,
                Some(record),
                DiagnosticMessage::Implausible(finding),
            );
        }
    }

    fn resolve_factor(&mut self, record: &ActivityRecord, choice: &FactorChoice) -> Option<&'a EmissionFactor> {
        let factors = self.reference.factors;
        let factor = match choice.version {
            Some(version) => factors.get(&choice.id, version),
            None => factors.latest(&choice.id),
        };
        if factor.is_none() {
            let suggestion = closest_factor_id(factors, &choice.id);
            self.diagnose(
                Severity::Error,
                DiagnosticKind::MissingFactor,
                Some(record),
                DiagnosticMessage::FactorNotInLibrary {
                    factor: choice.id.clone(),
                    version: choice.version,
                    suggestion,
                },
            );
        }
        factor
    }

    /// Activity in the factor's unit, or a unit-mismatch diagnostic.
    fn activity_in(&mut self, record: &ActivityRecord, amount: f64, unit: &Unit) -> Option<f64> {
        match record.quantity.unit.conversion_factor_to(unit) {
            Ok(factor) => Some(amount * factor),
            Err(error) => {
                self.diagnose(Severity::Error, DiagnosticKind::UnitMismatch, Some(record), unit_message(&error));
                None
            }
        }
    }

    /// Pins the factor, and names it on the line when lines are explained.
    fn trace(&mut self, draft: &mut LineDraft, factor: &'a EmissionFactor, basis: Co2eBasis) {
        self.factors_used.insert((factor.id.as_str(), factor.version));
        if !draft.explain {
            return;
        }
        draft.factors.push(FactorTrace {
            reference: factor.reference(),
            name_en: factor.name_en.clone(),
            name_zh: factor.name_zh.clone(),
            unit: factor.unit.symbol().to_owned(),
            citation: factor.citation.short(),
            verification: factor.citation.verification.clone(),
            licence: factor.citation.licence.clone(),
            year: factor.year,
            region: factor.region.clone(),
            basis,
        });
    }

    /// activity × factor, gas by gas; returns gross CO2e (in-scope gases only).
    fn apply_factor(
        &mut self,
        record: &ActivityRecord,
        draft: &mut LineDraft,
        factor: &'a EmissionFactor,
        activity_in_factor_unit: f64,
    ) -> Option<f64> {
        let cached = self.factor_co2e(factor);
        let co2e = match cached.as_ref() {
            Ok(co2e) => co2e,
            Err(error) => {
                self.diagnose(Severity::Error, DiagnosticKind::MissingGwp, Some(record), self.gwp_message(error));
                return None;
            }
        };
        if let Co2eBasis::Published { gwp_set } = co2e.basis
            && gwp_set != self.gwp_set
        {
            let inventory_set = self.gwp_set;
            self.diagnose_record(Severity::Warning, DiagnosticKind::GwpSetDiffers, &record.id, || {
                DiagnosticMessage::PublishedUnderOtherGwpSet {
                    factor: factor.reference().to_string(),
                    published_set: gwp_set,
                    inventory_set,
                }
            });
        }
        let mut total = 0.0;
        for contribution in &co2e.contributions {
            let co2e_kg = activity_in_factor_unit * contribution.kg_co2e_per_unit;
            let group = contribution.gas.as_ref().map(Gas::group);
            if group.is_none_or(GasGroup::is_in_scope_totals) {
                total += co2e_kg;
            }
            draft.gases.push(GasLine {
                gas: contribution.gas.as_ref().and_then(|gas| draft.gas_name(gas.name())),
                group,
                mass_kg: contribution.kg_gas_per_unit.map(|rate| rate * activity_in_factor_unit),
                gwp: contribution.gwp,
                co2e_kg,
            });
        }
        if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
            draft.biogenic_co2_kg += biogenic * activity_in_factor_unit;
        }
        draft.formula.push(|| {
            let unit = factor.unit.symbol().to_owned();
            let terms = co2e
                .contributions
                .iter()
                .map(|contribution| match (&contribution.gas, contribution.kg_gas_per_unit, contribution.gwp) {
                    (Some(gas), Some(kg_per_unit), Some(gwp)) => {
                        FactorTerm::Gas { gas: gas.name().to_owned(), kg_per_unit, unit: unit.clone(), gwp }
                    }
                    _ => FactorTerm::PublishedCo2e {
                        kg_co2e_per_unit: contribution.kg_co2e_per_unit,
                        unit: unit.clone(),
                    },
                })
                .collect();
            FormulaStep::FactorApplied { activity: activity_in_factor_unit, unit, terms, co2e_kg: total }
        });
        self.trace(draft, factor, co2e.basis.clone());
        Some(total)
    }

    fn calculate(&mut self, record: &ActivityRecord, draft: &mut LineDraft) -> Option<f64> {
        let amount = record.quantity.value;
        match &record.method {
            Method::Factor { factor: choice } => {
                let factor = self.resolve_factor(record, choice)?;
                let activity = self.activity_in(record, amount, &factor.unit)?;
                draft.negate =
                    matches!(record.source, EmissionSource::ExportedElectricity | EmissionSource::ExportedHeat);
                self.apply_factor(record, draft, factor, activity)
            }
            Method::Electricity { location_factor, market } => {
                let factor = self.resolve_factor(record, location_factor)?;
                let activity = self.activity_in(record, amount, &factor.unit)?;
                let location = self.apply_factor(record, draft, factor, activity)?;
                let covered = self.activity_in(record, market.covered_by_instruments, &factor.unit)?;
                let uncovered = (activity - covered).max(0.0);
                let market_factor = match &market.market_factor {
                    Some(choice) => self.resolve_factor(record, choice)?,
                    None => factor,
                };
                let rate = match self.factor_co2e(market_factor).as_ref() {
                    Ok(co2e) => co2e.kg_co2e_per_unit,
                    Err(error) => {
                        self.diagnose(
                            Severity::Error,
                            DiagnosticKind::MissingGwp,
                            Some(record),
                            self.gwp_message(error),
                        );
                        return None;
                    }
                };
                let uncovered_in_market_unit =
                    uncovered * factor.unit.conversion_factor_to(&market_factor.unit).unwrap_or(f64::NAN);
                if !uncovered_in_market_unit.is_finite() {
                    self.diagnose(
                        Severity::Error,
                        DiagnosticKind::UnitMismatch,
                        Some(record),
                        DiagnosticMessage::MarketFactorNotPerEnergy { factor: market_factor.reference().to_string() },
                    );
                    return None;
                }
                let market_kg = uncovered_in_market_unit * rate;
                draft.formula.push(|| FormulaStep::MarketBased {
                    activity,
                    covered,
                    unit: factor.unit.symbol().to_owned(),
                    rate_kg_co2e: rate,
                    market_unit: market_factor.unit.symbol().to_owned(),
                    co2e_kg: market_kg,
                });
                if (market_factor.id.as_str(), market_factor.version) != (factor.id.as_str(), factor.version) {
                    let basis = match self.factor_co2e(market_factor).as_ref() {
                        Ok(co2e) => co2e.basis.clone(),
                        Err(_) => Co2eBasis::PerGas,
                    };
                    self.trace(draft, market_factor, basis);
                }
                draft.market_based_gross_kg = Some(market_kg);
                Some(location)
            }
            Method::FuelCombustion(fuel) => self.fuel_combustion(record, draft, fuel),
            Method::DirectEmission { gas } => {
                let kg_unit = Unit::parse("kg").expect("kg is a unit");
                let mass_kg = self.activity_in(record, amount, &kg_unit)?;
                self.gas_emission(record, draft, gas.clone(), mass_kg)
            }
            Method::Refrigerant { refrigerant, approach } => {
                let kg_unit = Unit::parse("kg").expect("kg is a unit");
                let (loss_kg, how) = match approach {
                    RefrigerantApproach::TopUp => {
                        let kg = self.activity_in(record, amount, &kg_unit)?;
                        (kg, RefrigerantLoss::TopUp { kg })
                    }
                    RefrigerantApproach::MassBalance {
                        inventory_decrease_kg,
                        purchased_kg,
                        disposed_kg,
                        capacity_increase_kg,
                    } => {
                        let loss = inventory_decrease_kg + purchased_kg - disposed_kg - capacity_increase_kg;
                        (
                            loss,
                            RefrigerantLoss::MassBalance {
                                inventory_decrease_kg: *inventory_decrease_kg,
                                purchased_kg: *purchased_kg,
                                disposed_kg: *disposed_kg,
                                capacity_increase_kg: *capacity_increase_kg,
                            },
                        )
                    }
                    RefrigerantApproach::Screening { annual_leak_fraction } => {
                        let charge = self.activity_in(record, amount, &kg_unit)?;
                        let year_share = days_inclusive(record.period_start, record.period_end) as f64
                            / f64::from(record.period_start.days_in_year());
                        let loss = charge * annual_leak_fraction * year_share;
                        (
                            loss,
                            RefrigerantLoss::Screening {
                                charge_kg: charge,
                                leak_rate_percent: annual_leak_fraction * 100.0,
                                years: year_share,
                            },
                        )
                    }
                };
                let cached = self.refrigerant_gwp(refrigerant);
                let gwp = match cached.as_ref() {
                    Ok(gwp) => gwp,
                    Err(error) => {
                        // An unknown refrigerant is named as the person wrote it, with the closest known name.
                        let message = match error {
                            GwpError::UnknownGas(_) => DiagnosticMessage::GasUnknown {
                                gas: refrigerant.clone(),
                                suggestion: closest_refrigerant(self.reference.gwp, refrigerant),
                            },
                            other => self.gwp_message(other),
                        };
                        self.diagnose(Severity::Error, DiagnosticKind::MissingGwp, Some(record), message);
                        return None;
                    }
                };
                let mut total = 0.0;
                let mut components = Notes::new(draft.explain);
                for (gas, fraction, component_gwp) in &gwp.components {
                    let mass = loss_kg * fraction;
                    let co2e = mass * component_gwp;
                    if gas.group().is_in_scope_totals() {
                        total += co2e;
                    } else {
                        self.diagnose(
                            Severity::Info,
                            DiagnosticKind::MemoGas,
                            Some(record),
                            DiagnosticMessage::MemoGas { gas: gas.name().to_owned() },
                        );
                    }
                    draft.gases.push(GasLine {
                        gas: draft.gas_name(gas.name()),
                        group: Some(gas.group()),
                        mass_kg: Some(mass),
                        gwp: Some(*component_gwp),
                        co2e_kg: co2e,
                    });
                    components.push(|| BlendComponent {
                        gas: gas.name().to_owned(),
                        percent: fraction * 100.0,
                        gwp: *component_gwp,
                    });
                }
                draft.parameters.push(|| Parameter::RefrigerantGwp {
                    designation: gwp.designation.to_string(),
                    gwp_set: self.gwp_set.to_string(),
                    gwp: gwp.gwp,
                });
                draft.formula.push(|| FormulaStep::RefrigerantLoss {
                    loss: how,
                    loss_kg,
                    components: components.items,
                    co2e_kg: total,
                });
                Some(total)
            }
            Method::NoEmissions => {
                draft
                    .formula
                    .push(|| FormulaStep::NoEmissions { amount, unit: record.quantity.unit.symbol().to_owned() });
                Some(0.0)
            }
        }
    }

    fn gas_emission(&mut self, record: &ActivityRecord, draft: &mut LineDraft, gas: Gas, mass_kg: f64) -> Option<f64> {
        let gwp = match self.reference.gwp.gwp(&gas, self.gwp_set) {
            Ok(gwp) => gwp,
            Err(error) => {
                self.diagnose(Severity::Error, DiagnosticKind::MissingGwp, Some(record), self.gwp_message(&error));
                return None;
            }
        };
        let co2e = mass_kg * gwp;
        let in_totals = gas.group().is_in_scope_totals();
        draft.gases.push(GasLine {
            gas: draft.gas_name(gas.name()),
            group: Some(gas.group()),
            mass_kg: Some(mass_kg),
            gwp: Some(gwp),
            co2e_kg: co2e,
        });
        draft.formula.push(|| FormulaStep::MeasuredGas { gas: gas.name().to_owned(), mass_kg, gwp, co2e_kg: co2e });
        Some(if in_totals { co2e } else { 0.0 })
    }

    fn fuel_combustion(
        &mut self,
        record: &ActivityRecord,
        draft: &mut LineDraft,
        fuel: &crate::model::FuelCombustion,
    ) -> Option<f64> {
        let defaults = match &fuel.default_parameters {
            Some(id) => {
                let found = self
                    .reference
                    .fuel_parameters
                    .iter()
                    .filter(|parameters| &parameters.id == id)
                    .max_by_key(|parameters| parameters.version);
                if found.is_none() {
                    let known = self.reference.fuel_parameters.iter().map(|parameters| parameters.id.as_str());
                    let suggestion = closest(known, id);
                    self.diagnose(
                        Severity::Error,
                        DiagnosticKind::MissingParameter,
                        Some(record),
                        DiagnosticMessage::FuelParametersNotInLibrary { id: id.clone(), suggestion },
                    );
                    return None;
                }
                found
            }
            None => None,
        };
        let mut quantity = record.quantity.value;
        let mut quantity_note = FormulaStep::FuelConsumed { quantity: record.quantity.to_string() };
        // Coal weighed on another basis than as-received is converted to as-received mass first.
        if let Some(coal) = &fuel.coal
            && coal.quantity_basis != tanji_ghg::CoalBasis::AsReceived
        {
            let factor = coal.moisture.mass_factor(coal.quantity_basis, tanji_ghg::CoalBasis::AsReceived);
            quantity *= factor;
            quantity_note = FormulaStep::CoalAsReceived {
                amount: record.quantity.value,
                unit: record.quantity.unit.symbol().to_owned(),
                basis: coal.quantity_basis.symbol().to_owned(),
                factor,
                as_received: quantity,
            };
        }
        let oxidation = fuel.oxidation_fraction.or(defaults.and_then(|parameters| parameters.oxidation_fraction));
        let Some(oxidation) = oxidation else {
            self.diagnose(
                Severity::Error,
                DiagnosticKind::MissingParameter,
                Some(record),
                DiagnosticMessage::OxidationMissing,
            );
            return None;
        };
        let carbon_t;
        let mut steps = Notes::new(draft.explain);
        steps.push(|| quantity_note);
        if let Some(coal) = fuel.coal
            && let Some(carbon_percent) = coal.carbon_percent
        {
            // Element-carbon route: C content by mass converted to as-received.
            let factor = coal.moisture.content_factor(coal.carbon_basis, tanji_ghg::CoalBasis::AsReceived);
            let carbon_ar = carbon_percent * factor;
            let tonnes = self.activity_in(record, quantity, &Unit::parse("t").expect("t is a unit"))?;
            carbon_t = tonnes * carbon_ar / 100.0;
            draft.parameters.push(|| Parameter::CoalCarbonAsReceived {
                basis: coal.carbon_basis.symbol().to_owned(),
                carbon_percent,
                factor,
                as_received_percent: carbon_ar,
                moisture_as_received_percent: coal.moisture.as_received_percent,
                moisture_air_dried_percent: coal.moisture.air_dried_percent,
            });
            steps.push(|| FormulaStep::CarbonFromMass { tonnes, carbon_percent: carbon_ar, carbon_t });
        } else {
            let (ncv, ncv_note) = match (fuel.ncv_gj_per_unit, defaults) {
                (Some(ncv), _) => (
                    ncv,
                    Parameter::Ncv {
                        gj_per_unit: ncv,
                        unit: record.quantity.unit.symbol().to_owned(),
                        origin: ParameterOrigin::Measured,
                    },
                ),
                (None, Some(parameters)) => {
                    let per_record_unit = match record.quantity.unit.conversion_factor_to(&parameters.quantity_unit) {
                        Ok(factor) => factor,
                        Err(error) => {
                            self.diagnose(
                                Severity::Error,
                                DiagnosticKind::UnitMismatch,
                                Some(record),
                                unit_message(&error),
                            );
                            return None;
                        }
                    };
                    let ncv = parameters.ncv_gj_per_unit * per_record_unit;
                    (
                        ncv,
                        Parameter::Ncv {
                            gj_per_unit: parameters.ncv_gj_per_unit,
                            unit: parameters.quantity_unit.symbol().to_owned(),
                            origin: default_origin(parameters),
                        },
                    )
                }
                (None, None) => {
                    self.diagnose(
                        Severity::Error,
                        DiagnosticKind::MissingParameter,
                        Some(record),
                        DiagnosticMessage::NcvMissing,
                    );
                    return None;
                }
            };
            let carbon_content =
                fuel.carbon_content_t_c_per_gj.or(defaults.and_then(|parameters| parameters.carbon_content_t_c_per_gj));
            let Some(carbon_content) = carbon_content else {
                self.diagnose(
                    Severity::Error,
                    DiagnosticKind::MissingParameter,
                    Some(record),
                    DiagnosticMessage::CarbonContentMissing,
                );
                return None;
            };
            let energy_gj = quantity * ncv;
            carbon_t = energy_gj * carbon_content;
            draft.parameters.push(|| ncv_note);
            draft.parameters.push(|| Parameter::CarbonContent {
                t_c_per_gj: carbon_content,
                origin: match (fuel.carbon_content_t_c_per_gj, defaults) {
                    (Some(_), _) => ParameterOrigin::Measured,
                    (None, Some(parameters)) => default_origin(parameters),
                    (None, None) => ParameterOrigin::Default { id: None, citation: None },
                },
            });
            steps.push(|| FormulaStep::EnergyFromNcv { quantity, ncv, energy_gj });
            steps.push(|| FormulaStep::CarbonFromEnergy { energy_gj, carbon_content, carbon_t });
        }
        draft.parameters.push(|| Parameter::Oxidation {
            fraction: oxidation,
            origin: match (fuel.oxidation_fraction, defaults) {
                (Some(_), _) => ParameterOrigin::Measured,
                (None, Some(parameters)) => default_origin(parameters),
                (None, None) => ParameterOrigin::Default { id: None, citation: None },
            },
        });
        let co2_kg = carbon_t * oxidation * CO2_PER_C * 1000.0;
        steps.push(|| FormulaStep::Co2FromCarbon { carbon_t, oxidation, co2_kg });
        draft.formula.append(steps);
        if fuel.biomass {
            draft.biogenic_co2_kg += co2_kg;
            draft.formula.push(|| FormulaStep::BiomassBiogenic);
            return Some(0.0);
        }
        draft.gases.push(GasLine {
            gas: draft.gas_name(Gas::CO2),
            group: Some(GasGroup::CarbonDioxide),
            mass_kg: Some(co2_kg),
            gwp: Some(1.0),
            co2e_kg: co2_kg,
        });
        Some(co2_kg)
    }
}

/// Default fuel parameters as the origin of a value: their id and short citation.
fn default_origin(parameters: &FuelParameters) -> ParameterOrigin {
    ParameterOrigin::Default { id: Some(parameters.id.clone()), citation: Some(parameters.citation.short()) }
}

/// Calculate an inventory. Never fails as a whole: records that cannot be calculated are reported in the
/// diagnostics and left out of the totals.
///
/// This is [`InventoryRun`] fed from memory, keeping every line and every diagnostic.
pub fn calculate(input: &InventoryInput, reference: Reference<'_>) -> Inventory {
    let mut competition = SourceCompetition::default();
    for record in &input.records {
        competition.add(record);
    }
    let mut run = InventoryRun::new(input, reference, &competition, RunOptions::EVERY_LINE);
    for record in &input.records {
        run.add(record);
    }
    run.finish()
}

/// What a streamed calculation keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Keep every result line, explained (formula, parameters, factor citations). Without it each line is summed
    /// into the totals and dropped, and its words are never written.
    pub keep_lines: bool,
    /// Keep at most this many diagnostics of each kind; the others are counted in
    /// [`Inventory::n_diagnostics_omitted`].
    pub max_diagnostics_per_kind: Option<usize>,
}

impl RunOptions {
    /// Every line and every diagnostic, as [`calculate`] returns them.
    pub const EVERY_LINE: RunOptions = RunOptions { keep_lines: true, max_diagnostics_per_kind: None };
    /// The totals, with the first diagnostics of each kind: what a summary of a large file needs.
    pub const TOTALS: RunOptions = RunOptions { keep_lines: false, max_diagnostics_per_kind: Some(100) };
}

/// Records that may compete for the same activity (see [`ActivityRecord::competition_key`]), gathered while a file is
/// read and checked, so that the higher-priority source is chosen before lines are calculated one at a time.
///
/// This is the one part of a streamed calculation that grows with the number of records (one small entry each): a
/// record can be superseded by another anywhere in the file. A record's key is written into a reused buffer, so it
/// is allocated only for the first record of its group.
#[derive(Default)]
pub struct SourceCompetition {
    groups: FastHashMap<Box<str>, Vec<Competitor>>,
    key_buffer: String,
}

struct Competitor {
    id: Box<str>,
    period_start: Date,
    period_end: Date,
    data_source: DataSourceKind,
    /// An electricity record's market-based instruments, when it has any (boxed: most records have none).
    instruments: Option<Box<Instruments>>,
}

/// What a purchased-electricity record states for its market-based figure.
struct Instruments {
    covered_by_instruments: f64,
    unit: String,
    market_factor: bool,
}

impl Instruments {
    fn of(record: &ActivityRecord) -> Option<Box<Instruments>> {
        let Method::Electricity { market, .. } = &record.method else {
            return None;
        };
        (market.covered_by_instruments > 0.0 || market.market_factor.is_some()).then(|| {
            Box::new(Instruments {
                covered_by_instruments: market.covered_by_instruments,
                unit: record.quantity.unit.symbol().to_owned(),
                market_factor: market.market_factor.is_some(),
            })
        })
    }
}

impl SourceCompetition {
    pub fn add(&mut self, record: &ActivityRecord) {
        let competitor = Competitor {
            id: record.id.as_str().into(),
            period_start: record.period_start,
            period_end: record.period_end,
            data_source: record.data_source,
            instruments: Instruments::of(record),
        };
        self.key_buffer.clear();
        record.write_competition_key(&mut self.key_buffer);
        match self.groups.get_mut(self.key_buffer.as_str()) {
            Some(competitors) => competitors.push(competitor),
            None => {
                self.groups.insert(self.key_buffer.as_str().into(), vec![competitor]);
            }
        }
    }

    /// Records covering the same activity and overlapping periods compete; the higher-priority source wins. Only
    /// records touching `[period_start, period_end]` take part, as only they become lines.
    fn choose(
        &self,
        period_start: Date,
        period_end: Date,
        calculation: &mut Calculation<'_>,
    ) -> HashMap<String, (String, DataSourceKind)> {
        let mut superseded = HashMap::new();
        let in_period =
            |competitor: &&Competitor| competitor.period_start <= period_end && period_start <= competitor.period_end;
        let overlap = |left: &Competitor, right: &Competitor| {
            left.id != right.id && left.period_start <= right.period_end && right.period_start <= left.period_end
        };
        // Only groups in which two records of the period overlap can give a diagnostic; they are taken in the order
        // of their keys' text, so that diagnostics come in the same order whatever the order of the file.
        let mut contested: Vec<(&Box<str>, Vec<&Competitor>)> = self
            .groups
            .iter()
            .filter(|(_, competitors)| competitors.len() > 1)
            .filter_map(|(key, competitors)| {
                let competitors: Vec<&Competitor> = competitors.iter().filter(in_period).collect();
                let any_overlap = competitors.iter().enumerate().any(|(record_idx, record)| {
                    competitors[record_idx + 1..].iter().any(|other| overlap(record, other))
                });
                any_overlap.then_some((key, competitors))
            })
            .collect();
        contested.sort_unstable_by(|left, right| left.0.cmp(right.0));
        for (_, competitors) in contested {
            for record in &competitors {
                let overlapping = competitors.iter().filter(|other| overlap(record, other));
                let Some(best) =
                    overlapping.min_by(|left, right| (left.data_source, &left.id).cmp(&(right.data_source, &right.id)))
                else {
                    continue;
                };
                if best.data_source < record.data_source {
                    superseded.insert(record.id.to_string(), (best.id.to_string(), best.data_source));
                    calculation.diagnose_record(Severity::Info, DiagnosticKind::SourceChosen, &record.id, || {
                        DiagnosticMessage::SourceChosen {
                            by_record: best.id.to_string(),
                            by_source: best.data_source,
                            this_source: record.data_source,
                        }
                    });
                    // The better source's record counts alone, so the market-based figure keeps only what it states:
                    // certificates or a market factor stated on the superseded record alone are lost. The energy
                    // handover carries them over (tanji_energy::supersede); a file written by hand may not.
                    if let (Some(lost), None) = (&record.instruments, &best.instruments) {
                        calculation.diagnose_record(
                            Severity::Warning,
                            DiagnosticKind::InstrumentsNotCarried,
                            &record.id,
                            || DiagnosticMessage::InstrumentsNotCarried {
                                record: record.id.to_string(),
                                by_record: best.id.to_string(),
                                covered_by_instruments: lost.covered_by_instruments,
                                unit: lost.unit.clone(),
                                market_factor: lost.market_factor,
                            },
                        );
                    }
                } else if best.data_source == record.data_source && record.id < best.id {
                    calculation.diagnose_record(
                        Severity::Warning,
                        DiagnosticKind::PossibleDoubleCount,
                        &record.id,
                        || DiagnosticMessage::PossibleDoubleCount {
                            record: record.id.to_string(),
                            other_record: best.id.to_string(),
                        },
                    );
                }
            }
        }
        superseded
    }
}

/// One inventory calculated record by record: the memory it needs does not grow with the records, except for what
/// the result holds (kept lines, the records not counted, the first diagnostics of each kind).
pub struct InventoryRun<'a> {
    calculation: Calculation<'a>,
    organisation: String,
    period_start: Date,
    period_end: Date,
    consolidation: ConsolidationApproach,
    /// The first facility of each key, as the boundary lists them.
    facilities: FastHashMap<String, FacilityBoundary>,
    superseded: HashMap<String, (String, DataSourceKind)>,
    keep_lines: bool,
    lines: Vec<ResultLine>,
    totals: TotalsSum,
    /// Electricity records without a market factor: how many, and the first few.
    n_without_market_factor: usize,
    without_market_factor: Vec<String>,
    /// Months covered, per continuous activity (facility, source, emission point), and where each activity is.
    covered: Vec<CoveredActivity>,
    continuous_activities: FastHashMap<String, usize>,
    activity_key: String,
    /// The reported CO2e of the line being added by month (year, month), when lines are not kept.
    months: Vec<((i16, i8), f64)>,
    /// Made [`InventoryRun::before_competition`], and not yet finished after it.
    competition_pending: bool,
}

/// Records of a run made [`InventoryRun::before_competition`] turned out to be superseded by records of a better
/// data source, so the lines calculated for them must not count: the records need calculating again, in a run made
/// with the competition ([`InventoryRun::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordsSuperseded {
    /// Records of the period superseded.
    pub n_records: usize,
}

/// A continuous activity and the months (year, month) its counted records cover.
struct CoveredActivity {
    facility: String,
    source_key: String,
    emission_point: String,
    source: EmissionSource,
    months: BTreeSet<(i16, i8)>,
}

/// How many records without a market factor the diagnostic names.
const N_WITHOUT_MARKET_FACTOR_NAMED: usize = 5;

impl<'a> InventoryRun<'a> {
    /// A run for `input`'s organisation, period, GWP set and boundary (its `records` are not read: they come through
    /// [`InventoryRun::add`]); `competition` holds every record that will be added.
    pub fn new(
        input: &InventoryInput,
        reference: Reference<'a>,
        competition: &SourceCompetition,
        options: RunOptions,
    ) -> InventoryRun<'a> {
        let mut calculation = Calculation::new(reference, input.gwp_set, options);
        let superseded = competition.choose(input.period_start, input.period_end, &mut calculation);
        let mut facilities = FastHashMap::default();
        for facility in &input.facilities {
            facilities.entry(facility.key.clone()).or_insert_with(|| facility.clone());
        }
        InventoryRun {
            calculation,
            organisation: input.organisation.clone(),
            period_start: input.period_start,
            period_end: input.period_end,
            consolidation: input.consolidation,
            facilities,
            superseded,
            keep_lines: options.keep_lines,
            lines: Vec::new(),
            totals: TotalsSum::default(),
            n_without_market_factor: 0,
            without_market_factor: Vec::new(),
            covered: Vec::new(),
            continuous_activities: FastHashMap::default(),
            activity_key: String::new(),
            months: Vec::new(),
            competition_pending: false,
        }
    }

    /// A run whose records come before the competition between data sources is known: the one reading of a file in
    /// which, as in most files, no record is superseded by one of a better data source. Each record is calculated
    /// as if it were not superseded; [`InventoryRun::finish_after`] then decides the competition and gives the
    /// inventory only if that assumption held.
    pub fn before_competition(
        input: &InventoryInput,
        reference: Reference<'a>,
        options: RunOptions,
    ) -> InventoryRun<'a> {
        let mut run = InventoryRun::new(input, reference, &SourceCompetition::default(), options);
        run.competition_pending = true;
        run
    }

    /// The inventory of a run made [`InventoryRun::before_competition`], now that `competition` holds every record
    /// added: the same inventory [`InventoryRun::new`] with that competition would give — the same totals to the
    /// bit, the same diagnostics in the same order — or, when a record of the period is superseded (its line should
    /// not have been counted), [`RecordsSuperseded`]: calculate the records again in a run made with the competition.
    pub fn finish_after(mut self, competition: &SourceCompetition) -> Result<Inventory, RecordsSuperseded> {
        assert!(self.competition_pending, "finish_after is for a run made before_competition");
        let options = RunOptions {
            keep_lines: self.keep_lines,
            max_diagnostics_per_kind: self.calculation.max_diagnostics_per_kind,
        };
        let mut choice = Calculation::new(self.calculation.reference, self.calculation.gwp_set, options);
        let superseded = competition.choose(self.period_start, self.period_end, &mut choice);
        if !superseded.is_empty() {
            return Err(RecordsSuperseded { n_records: superseded.len() });
        }
        // The competition's diagnostics come first, as a run made with the competition gives them before any line's.
        // Their kinds are the competition's alone, so each kind's limit counts the same diagnostics in either run.
        let calculation = &mut self.calculation;
        for kind in choice.n_diagnostics_by_kind.keys() {
            assert!(
                !calculation.n_diagnostics_by_kind.contains_key(kind),
                "only the source competition gives {kind:?} diagnostics"
            );
        }
        choice.diagnostics.append(&mut calculation.diagnostics);
        calculation.diagnostics = choice.diagnostics;
        calculation.n_diagnostics_by_kind.append(&mut choice.n_diagnostics_by_kind);
        calculation.n_diagnostics_omitted.append(&mut choice.n_diagnostics_omitted);
        self.competition_pending = false;
        Ok(self.finish())
    }

    /// Calculate one record; whether it became a line (records outside the reporting period are passed over, as
    /// files hold several years).
    pub fn add(&mut self, record: &ActivityRecord) -> bool {
        if !(record.period_start <= self.period_end && self.period_start <= record.period_end) {
            return false;
        }
        let line = self.line(record);
        self.cover_months(record, &line);
        if self.keep_lines {
            self.totals.add(&line);
            self.lines.push(line);
        } else {
            self.totals.add_with_months(&line, &self.months);
        }
        true
    }

    fn line(&mut self, record: &ActivityRecord) -> ResultLine {
        let explain = self.keep_lines;
        let calculation = &mut self.calculation;
        let mut draft = LineDraft::new(explain);
        let facility = self.facilities.get(&record.facility);
        let boundary_share = match facility {
            Some(facility) => facility.inclusion_share(self.consolidation).value(),
            None => {
                calculation.diagnose(
                    Severity::Error,
                    DiagnosticKind::UnknownFacility,
                    Some(record),
                    DiagnosticMessage::FacilityNotInBoundary { facility: record.facility.clone() },
                );
                0.0
            }
        };
        let overlap_start = record.period_start.max(self.period_start);
        let overlap_end = record.period_end.min(self.period_end);
        let record_days = days_inclusive(record.period_start, record.period_end);
        let period_share = if overlap_start > overlap_end {
            0.0
        } else {
            days_inclusive(overlap_start, overlap_end) as f64 / record_days as f64
        };
        if period_share < 1.0 {
            calculation.diagnose(
                Severity::Info,
                DiagnosticKind::OutsidePeriod,
                Some(record),
                DiagnosticMessage::PartlyInPeriod {
                    start: record.period_start,
                    end: record.period_end,
                    percent_in_period: period_share * 100.0,
                },
            );
        }
        let mut gross = calculation.calculate(record, &mut draft);
        // A failed calculation can leave amounts behind (a location-based line before its market-based half failed),
        // so the line's amounts are checked whether or not it produced a total.
        if !gross.is_none_or(plausible_kg) || !draft.amounts_are_plausible() {
            calculation.diagnose(
                Severity::Error,
                DiagnosticKind::ImplausibleResult,
                Some(record),
                DiagnosticMessage::ImplausibleResult { co2e_kg: gross.filter(|kg| kg.is_finite()) },
            );
            gross = None;
            draft.clear_amounts();
        }
        if let Method::Electricity { market, .. } = &record.method
            && market.market_factor.is_none()
            && market.covered_by_instruments < record.quantity.value
        {
            self.n_without_market_factor += 1;
            if self.without_market_factor.len() < N_WITHOUT_MARKET_FACTOR_NAMED {
                self.without_market_factor.push(record.id.clone());
            }
        }
        let sign = if draft.negate { -1.0 } else { 1.0 };
        // A record that a better source covers is not missed if it fails; every other record that cannot be
        // calculated — or names a facility outside the boundary, which leaves its share unknown — is a hole in the
        // totals, and the totals say so (see `Completeness`).
        let status = match (&gross, self.superseded.get(&record.id)) {
            (_, Some((by_record, by_source))) => {
                LineStatus::Superseded { by_record: by_record.clone(), by_source: *by_source }
            }
            (_, None) if facility.is_none() => LineStatus::Failed,
            (_, None) if boundary_share == 0.0 => {
                LineStatus::Excluded { reason: ExclusionReason::ZeroShare { approach: self.consolidation } }
            }
            (None, None) => LineStatus::Failed,
            (Some(_), None) if period_share == 0.0 => LineStatus::Excluded { reason: ExclusionReason::OutsidePeriod },
            (Some(_), None) => LineStatus::Counted,
        };
        if status == LineStatus::Counted || status == LineStatus::Failed {
            calculation.check_plausibility(record);
        }
        let gross_co2e_kg = gross.unwrap_or(0.0) * sign;
        let reported_share = period_share * boundary_share;
        let memo_gross: f64 = draft
            .gases
            .iter()
            .filter(|gas| gas.group.is_some_and(|group| !group.is_in_scope_totals()))
            .map(|gas| gas.co2e_kg)
            .sum();
        let co2e_kg = gross_co2e_kg * reported_share;
        // By month: on the line when it is kept, else in the run's buffer, without writing the months' names.
        let mut monthly_co2e_kg = BTreeMap::new();
        self.months.clear();
        if overlap_start <= overlap_end && co2e_kg != 0.0 {
            let overlap_days = days_inclusive(overlap_start, overlap_end) as f64;
            for (month_start, month_end) in month_spans(overlap_start, overlap_end) {
                let days = days_inclusive(month_start, month_end);
                let kg = co2e_kg * days as f64 / overlap_days;
                if explain {
                    monthly_co2e_kg.insert(month_key(month_start.year(), month_start.month()), kg);
                } else {
                    self.months.push(((month_start.year(), month_start.month()), kg));
                }
            }
        }
        let mut formula = draft.formula.items;
        if explain && gross.is_some() && reported_share != 1.0 {
            formula.push(FormulaStep::Reported { gross_kg: gross_co2e_kg, period_share, boundary_share, co2e_kg });
        }
        // Text only a kept line shows is not copied for a line that is summed and dropped.
        let shown = |text: &String| if explain { text.clone() } else { String::new() };
        ResultLine {
            record_id: record.id.clone(),
            facility: record.facility.clone(),
            period_start: record.period_start,
            period_end: record.period_end,
            source: record.source,
            scope: record.source.scope(),
            scope3_category: match record.source {
                EmissionSource::Scope3(category) => Some(category.number()),
                _ => None,
            },
            iso_category: record.iso_category(),
            emission_point: shown(&record.emission_point),
            activity: shown(&record.activity),
            quantity_entered: if explain { record.quantity.to_string() } else { String::new() },
            quantity: Some(record.quantity.clone()),
            data_source: record.data_source,
            status,
            factors: draft.factors,
            parameters: draft.parameters.items,
            formula,
            gases: draft.gases,
            period_share,
            boundary_share,
            gross_co2e_kg,
            co2e_kg,
            market_based_co2e_kg: draft.market_based_gross_kg.map(|kg| kg * reported_share),
            biogenic_co2_kg: draft.biogenic_co2_kg * reported_share,
            memo_co2e_kg: memo_gross * reported_share,
            uncertainty_percent: record.uncertainty_percent,
            quality_mean: record.quality.map(|quality| quality.mean()),
            evidence: if explain { record.evidence.clone() } else { Vec::new() },
            monthly_co2e_kg,
        }
    }

    /// Months of the reporting period with a counted (or superseded) record of a continuous source, for the
    /// period-gap warnings.
    fn cover_months(&mut self, record: &ActivityRecord, line: &ResultLine) {
        // Continuous sources only: refrigerant top-ups, process batches and scope-3 shipments are events.
        let continuous = matches!(
            record.source,
            EmissionSource::StationaryCombustion
                | EmissionSource::MobileCombustion
                | EmissionSource::PurchasedElectricity
                | EmissionSource::PurchasedHeat
                | EmissionSource::OnSiteRenewable
        );
        if !continuous || !matches!(line.status, LineStatus::Counted | LineStatus::Superseded { .. }) {
            return;
        }
        let overlap_start = record.period_start.max(self.period_start);
        let overlap_end = record.period_end.min(self.period_end);
        if overlap_start > overlap_end {
            return;
        }
        // Looked up by a key written into a reused buffer: no allocation for an activity seen before. Facility and
        // emission point cannot hold control characters (import refuses them), so the separator cannot be forged.
        self.activity_key.clear();
        self.activity_key.push_str(&record.facility);
        self.activity_key.push('\u{1f}');
        record.source.push_key(&mut self.activity_key);
        self.activity_key.push('\u{1f}');
        self.activity_key.push_str(&record.emission_point);
        self.activity_key.push('\u{1f}');
        let activity_idx = match self.continuous_activities.get(self.activity_key.as_str()) {
            Some(activity_idx) => *activity_idx,
            None => {
                self.continuous_activities.insert(self.activity_key.clone(), self.covered.len());
                self.covered.push(CoveredActivity {
                    facility: record.facility.clone(),
                    source_key: record.source.key(),
                    emission_point: record.emission_point.clone(),
                    source: record.source,
                    months: BTreeSet::new(),
                });
                self.covered.len() - 1
            }
        };
        self.covered[activity_idx].months.extend(months_of(overlap_start, overlap_end));
    }

    /// The inventory: totals, the lines if kept, diagnostics and the factor versions used.
    ///
    /// A run made [`InventoryRun::before_competition`] is finished by [`InventoryRun::finish_after`].
    pub fn finish(mut self) -> Inventory {
        assert!(!self.competition_pending, "a run made before_competition is finished by finish_after");
        let calculation = &mut self.calculation;
        if self.n_without_market_factor > 0 {
            calculation.diagnose(
                Severity::Warning,
                DiagnosticKind::MarketFactorMissing,
                None,
                DiagnosticMessage::MarketFactorMissing {
                    n_records: self.n_without_market_factor,
                    record_ids: std::mem::take(&mut self.without_market_factor),
                },
            );
        }
        // Months of the reporting period in which an activity that is reported in some months has no counted record,
        // by facility, source and emission point.
        // A large file has hundreds of thousands of activities, nearly all with a gap, of which only the first few
        // diagnostics are kept: only those are put in order and written out, the others are counted. The activities
        // are distinct (facility, source, point), so the first few come in the order a full sort would give them.
        let period_months: Vec<(i16, i8)> = months_of(self.period_start, self.period_end).collect();
        let mut gaps: Vec<CoveredActivity> = std::mem::take(&mut self.covered)
            .into_iter()
            .filter(|activity| period_months.iter().any(|month| !activity.months.contains(month)))
            .collect();
        let order = |left: &CoveredActivity, right: &CoveredActivity| {
            (&left.facility, &left.source_key, &left.emission_point).cmp(&(
                &right.facility,
                &right.source_key,
                &right.emission_point,
            ))
        };
        let n_written = calculation.room_for(DiagnosticKind::PeriodGap).min(gaps.len());
        if n_written < gaps.len() {
            gaps.select_nth_unstable_by(n_written, order);
            gaps[..n_written].sort_unstable_by(order);
        } else {
            gaps.sort_unstable_by(order);
        }
        let all_months: BTreeSet<String> = days_by_month(self.period_start, self.period_end).into_keys().collect();
        for (gap_idx, CoveredActivity { facility, emission_point, source, months, .. }) in gaps.into_iter().enumerate()
        {
            if gap_idx >= n_written {
                calculation.keeps(DiagnosticKind::PeriodGap);
                continue;
            }
            let months: BTreeSet<String> = months.into_iter().map(|(year, month)| month_key(year, month)).collect();
            let missing: Vec<String> = all_months.difference(&months).cloned().collect();
            calculation.diagnose(
                Severity::Warning,
                DiagnosticKind::PeriodGap,
                None,
                DiagnosticMessage::PeriodGap { facility, source, emission_point, months: missing },
            );
        }
        let calculation = self.calculation;
        Inventory {
            organisation: self.organisation,
            period_start: self.period_start,
            period_end: self.period_end,
            gwp_set: calculation.gwp_set,
            consolidation: self.consolidation,
            lines: self.lines,
            totals: self.totals.finish(),
            diagnostics: calculation.diagnostics,
            factors_used: calculation
                .factors_used
                .into_iter()
                .map(|(id, version)| FactorRef { id: id.to_owned(), version })
                .collect(),
            n_diagnostics_omitted: calculation.n_diagnostics_omitted,
        }
    }
}

/// Sum counted lines. Every total is a plain sum of line values, so the breakdowns add up to the totals exactly
/// up to floating-point summation order.
pub fn sum_totals(lines: &[ResultLine]) -> Totals {
    let mut sum = TotalsSum::default();
    for line in lines {
        sum.add(line);
    }
    sum.finish()
}

/// [`sum_totals`] one line at a time, in the same order and with the same arithmetic, so the same figures.
#[derive(Default)]
struct TotalsSum {
    totals: Totals,
    variance_kg2: f64,
    total_with_uncertainty: f64,
    completeness: CompletenessAssessment,
    /// The CO2e by month (year, month) of lines whose months come apart from the line, named `YYYY-MM` in
    /// `totals.by_month` only when finished: each sum is built in the same order, so it is the same to the bit.
    by_month_number: BTreeMap<(i16, i8), f64>,
}

impl TotalsSum {
    fn add(&mut self, line: &ResultLine) {
        if self.add_but_months(line) {
            for (month, kg) in &line.monthly_co2e_kg {
                add_to(&mut self.totals.by_month, month, *kg);
            }
        }
    }

    /// [`TotalsSum::add`] of a line whose CO2e by month is in `months` (year, month) instead of on the line.
    fn add_with_months(&mut self, line: &ResultLine, months: &[((i16, i8), f64)]) {
        if self.add_but_months(line) {
            for (year_month, kg) in months {
                match self.by_month_number.get_mut(year_month) {
                    Some(sum) => *sum += kg,
                    None => {
                        self.by_month_number.insert(*year_month, 0.0 + kg);
                    }
                }
            }
        }
    }

    /// Adds all but the line's CO2e by month; whether the months are to be added.
    fn add_but_months(&mut self, line: &ResultLine) -> bool {
        add_to_completeness(&mut self.completeness, line);
        if line.status != LineStatus::Counted {
            return false;
        }
        let totals = &mut self.totals;
        totals.biogenic_co2_kg += line.biogenic_co2_kg;
        totals.memo_co2e_kg += line.memo_co2e_kg;
        match line.scope {
            Scope::Scope1 => totals.scope1_kg += line.co2e_kg,
            Scope::Scope2 => {
                totals.scope2_location_kg += line.co2e_kg;
                totals.scope2_market_kg += line.market_based_co2e_kg.unwrap_or(line.co2e_kg);
            }
            Scope::Scope3 => {
                totals.scope3_kg += line.co2e_kg;
                if let Some(category) = line.scope3_category {
                    *totals.by_scope3_category.entry(category).or_default() += line.co2e_kg;
                }
            }
            Scope::Outside => {}
        }
        if matches!(line.source, EmissionSource::ExportedElectricity | EmissionSource::ExportedHeat) {
            totals.china_guideline_net_kg += line.co2e_kg;
        }
        if line.scope == Scope::Outside {
            return false;
        }
        *totals.by_iso_category.entry(line.iso_category.number()).or_default() += line.co2e_kg;
        add_to(&mut totals.by_facility, &line.facility, line.co2e_kg);
        let reported_share = if line.gross_co2e_kg == 0.0 { 0.0 } else { line.co2e_kg / line.gross_co2e_kg };
        for gas in &line.gases {
            if let Some(group) = gas.group.filter(|group| group.is_in_scope_totals()) {
                *totals.by_gas_group.entry(GasTotalGroup::Group(group)).or_insert(0.0) += gas.co2e_kg * reported_share;
            } else if gas.group.is_none() {
                *totals.by_gas_group.entry(GasTotalGroup::PublishedNonCo2).or_insert(0.0) +=
                    gas.co2e_kg * reported_share;
            }
        }
        match line.uncertainty_percent {
            Some(percent) => {
                self.variance_kg2 += (percent / 100.0 * line.co2e_kg).powi(2);
                self.total_with_uncertainty += line.co2e_kg;
            }
            None if line.co2e_kg != 0.0 => totals.n_lines_without_uncertainty += 1,
            None => {}
        }
        true
    }

    fn finish(self) -> Totals {
        let mut totals = self.totals;
        for ((year, month), kg) in self.by_month_number {
            // A run adds its lines' months one way or the other, never both; were a month in both, it would add.
            match totals.by_month.entry(month_key(year, month)) {
                std::collections::btree_map::Entry::Occupied(mut sum) => *sum.get_mut() += kg,
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(kg);
                }
            }
        }
        // Sums of nothing are -0.0 in Rust; report them as 0.
        for value in [
            &mut totals.scope1_kg,
            &mut totals.scope2_location_kg,
            &mut totals.scope2_market_kg,
            &mut totals.scope3_kg,
            &mut totals.biogenic_co2_kg,
            &mut totals.memo_co2e_kg,
            &mut totals.china_guideline_net_kg,
        ] {
            *value += 0.0;
        }
        totals.total_location_kg = totals.scope1_kg + totals.scope2_location_kg + totals.scope3_kg;
        totals.total_market_kg = totals.scope1_kg + totals.scope2_market_kg + totals.scope3_kg;
        totals.china_guideline_net_kg += totals.scope1_kg + totals.scope2_location_kg;
        if self.total_with_uncertainty > 0.0 {
            totals.uncertainty_percent = Some(self.variance_kg2.sqrt() / self.total_with_uncertainty * 100.0);
        }
        totals.completeness = self.completeness.finish();
        totals
    }
}

/// `*map[key] += kg`, without allocating the key when it is already there (nearly always).
fn add_to(map: &mut BTreeMap<String, f64>, key: &str, kg: f64) {
    match map.get_mut(key) {
        Some(sum) => *sum += kg,
        None => {
            map.insert(key.to_owned(), 0.0 + kg);
        }
    }
}

/// Whether the counted lines are every line that should be counted: lines that failed (and are not covered by a
/// better source) make the totals incomplete, stated by record and by activity.
pub fn completeness_of(lines: &[ResultLine]) -> Completeness {
    let mut assessment = CompletenessAssessment::default();
    for line in lines {
        add_to_completeness(&mut assessment, line);
    }
    assessment.finish()
}

fn add_to_completeness(assessment: &mut CompletenessAssessment, line: &ResultLine) {
    let counted = match line.status {
        LineStatus::Counted => true,
        LineStatus::Failed => false,
        LineStatus::Superseded { .. } | LineStatus::Excluded { .. } => return,
    };
    // A quantity that no longer parses (a result stored long ago) still counts as a record, not as activity.
    let parsed;
    let quantity = match &line.quantity {
        Some(quantity) => quantity,
        None => {
            parsed = Quantity::parse(&line.quantity_entered).unwrap_or_else(|_| {
                Quantity::new(0.0, Unit::parse("kg").expect("kg is a unit")).expect("0 kg is a quantity")
            });
            &parsed
        }
    };
    assessment.add(&RecordActivity { record_id: &line.record_id, source: line.source, quantity, counted });
}

/// Parameters of a record that are almost certainly in the wrong unit or range (see [`Plausibility`]).
pub fn plausibility_findings(record: &ActivityRecord, factors: &FactorLibrary) -> Vec<Plausibility> {
    use crate::message::CARBON_CONTENT_T_C_PER_GJ_TYPICAL;
    let mut findings = Vec::new();
    let find = |choice: &FactorChoice| match choice.version {
        Some(version) => factors.get(&choice.id, version),
        None => factors.latest(&choice.id),
    };
    let is_combustion = |factor: &EmissionFactor| {
        matches!(factor.category, FactorCategory::StationaryCombustion | FactorCategory::MobileCombustion)
    };
    match &record.method {
        Method::FuelCombustion(fuel) => {
            if let Some(value) = fuel.carbon_content_t_c_per_gj {
                if value > CARBON_CONTENT_T_C_PER_GJ_TYPICAL.1 {
                    findings.push(Plausibility::CarbonContentLooksPerTj { value });
                } else if value < CARBON_CONTENT_T_C_PER_GJ_TYPICAL.0 {
                    findings.push(Plausibility::CarbonContentLooksTooSmall { value });
                }
            }
            if let Some(fraction) = fuel.oxidation_fraction
                && fraction > 1.0
            {
                findings.push(Plausibility::OxidationAbove100 { percent: fraction * 100.0 });
            }
        }
        Method::Electricity { location_factor, market } => {
            if let Some(factor) = find(location_factor)
                && is_combustion(factor)
            {
                findings.push(Plausibility::FactorKindMismatch {
                    factor: factor.id.clone(),
                    category: factor.category,
                    source: record.source,
                });
            }
            if market.covered_by_instruments > record.quantity.value {
                findings.push(Plausibility::CoverageAboveConsumption {
                    covered: market.covered_by_instruments,
                    consumed: record.quantity.value,
                    unit: record.quantity.unit.symbol().to_owned(),
                });
            }
        }
        Method::Factor { factor: choice } => {
            if matches!(record.source, EmissionSource::PurchasedElectricity)
                && let Some(factor) = find(choice)
                && is_combustion(factor)
            {
                findings.push(Plausibility::FactorKindMismatch {
                    factor: factor.id.clone(),
                    category: factor.category,
                    source: record.source,
                });
            }
        }
        _ => {}
    }
    findings
}

/// The closest of `candidates` to `wanted`, if one is close enough to be what was meant ("did you mean …").
/// Case, spaces, hyphens and underscores do not count as differences.
pub fn closest<'a>(candidates: impl IntoIterator<Item = &'a str>, wanted: &str) -> Option<String> {
    let normalise = |text: &str| -> String {
        text.chars().filter(|character| !matches!(character, '-' | ' ' | '_')).flat_map(char::to_lowercase).collect()
    };
    let wanted_normalised = normalise(wanted);
    if wanted_normalised.is_empty() {
        return None;
    }
    let wanted_len = wanted_normalised.chars().count();
    let max_distance = (wanted_len / 4).clamp(1, 4);
    candidates
        .into_iter()
        .map(|candidate| (normalise(candidate), candidate))
        // The edit distance is at least the difference in length: a name far longer or shorter than every candidate
        // (a 15,000-character cell) is not compared character by character with each of them.
        .filter(|(normalised, _)| normalised.chars().count().abs_diff(wanted_len) <= max_distance)
        .map(|(normalised, candidate)| (strsim::levenshtein(&normalised, &wanted_normalised), candidate))
        .filter(|(distance, _)| *distance <= max_distance)
        .min_by(|left, right| left.0.cmp(&right.0).then_with(|| left.1.cmp(right.1)))
        .map(|(_, candidate)| candidate.to_owned())
}

/// The library's factor id closest to `wanted`.
pub fn closest_factor_id(library: &FactorLibrary, wanted: &str) -> Option<String> {
    let ids: BTreeSet<&str> = library.iter().map(|factor| factor.id.as_str()).collect();
    closest(ids, wanted)
}

/// The refrigerant or gas name closest to `wanted` that the GWP table knows.
pub fn closest_refrigerant(gwp: &GwpTable, wanted: &str) -> Option<String> {
    let mut names: Vec<String> = gwp.gases().map(|gas| gas.name().to_owned()).collect();
    names.extend(gwp.blends().map(|blend| blend.designation.clone()));
    closest(names.iter().map(String::as_str), wanted)
}

fn unit_message(error: &UnitError) -> DiagnosticMessage {
    match error {
        UnitError::Incompatible { from, to, from_dimension, to_dimension } => DiagnosticMessage::UnitsIncompatible {
            from: from.clone(),
            to: to.clone(),
            from_dimension: *from_dimension,
            to_dimension: *to_dimension,
        },
        // Units reaching the engine have been parsed; other unit errors cannot occur here, but are kept readable.
        other => DiagnosticMessage::Legacy { text: other.to_string() },
    }
}

/// A GWP problem as a message; the gas name is looked up for "did you mean".
trait GwpProblem {
    fn gwp_error(&self) -> Option<&GwpError>;
}

impl GwpProblem for GwpError {
    fn gwp_error(&self) -> Option<&GwpError> {
        Some(self)
    }
}

impl GwpProblem for tanji_ghg::FactorError {
    fn gwp_error(&self) -> Option<&GwpError> {
        match self {
            tanji_ghg::FactorError::Gwp { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn gwp_message_with(error: &impl GwpProblem, gwp: &GwpTable, display: String) -> DiagnosticMessage {
    match error.gwp_error() {
        Some(GwpError::UnknownGas(gas)) => {
            DiagnosticMessage::GasUnknown { gas: gas.clone(), suggestion: closest_refrigerant(gwp, gas) }
        }
        Some(GwpError::NotInSet { gas, set }) => DiagnosticMessage::GasNotInGwpSet { gas: gas.clone(), set: *set },
        _ => DiagnosticMessage::Legacy { text: display },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_split_by_month() {
        let months = days_by_month(Date::constant(2025, 1, 20), Date::constant(2025, 3, 5));
        assert_eq!(months.get("2025-01"), Some(&12));
        assert_eq!(months.get("2025-02"), Some(&28));
        assert_eq!(months.get("2025-03"), Some(&5));
        assert_eq!(days_by_month(Date::constant(2025, 3, 1), Date::constant(2025, 3, 31)).get("2025-03"), Some(&31));
        assert_eq!(days_inclusive(Date::constant(2025, 1, 1), Date::constant(2025, 12, 31)), 365);
    }

    #[test]
    fn did_you_mean_compares_only_names_of_a_near_length() {
        let ids = ["mee-nbs-2022-grid-cn-grid-east", "ipcc-2006-stationary-natural-gas-tj"];
        assert_eq!(closest(ids, "mee-nbs-2022-grid-cn-grid-eats").as_deref(), Some("mee-nbs-2022-grid-cn-grid-east"));
        assert_eq!(closest(ids, "MEE NBS 2022 grid CN grid east").as_deref(), Some("mee-nbs-2022-grid-cn-grid-east"));
        // A cell of 15,000 nines (found by the fuzzer, which timed out on it) is near nothing, and is answered at once.
        assert_eq!(closest(ids, &"9".repeat(15_000)), None);
    }
}
