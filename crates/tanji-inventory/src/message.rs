//! What the inventory engine says to people, as values: every diagnostic, every reason a line is left out and the
//! completeness of every total is a code with parameters. `tanji-i18n` (its `inventory` module) turns them into
//! 简体中文 or English; the API passes the `code` on beside the rendered text.
//!
//! Results stored by earlier versions held English sentences in these places; they are read back as
//! `Legacy { text }` and shown as they were written, so no stored version becomes unreadable.

use serde::{Deserialize, Deserializer, Serialize};
use tanji_ghg::GwpSet;
use tanji_units::{Dimension, Quantity, Unit};

use crate::classification::{DataSourceKind, EmissionSource};

/// The message of one diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DiagnosticMessage {
    /// The record names a factor the library does not hold.
    FactorNotInLibrary { factor: String, version: Option<u32>, suggestion: Option<String> },
    /// The named default fuel parameters are not in the library.
    FuelParametersNotInLibrary { id: String, suggestion: Option<String> },
    /// The record's unit measures something else than the unit it must be converted to.
    UnitsIncompatible { from: String, to: String, from_dimension: Dimension, to_dimension: Dimension },
    /// A gas has no GWP at all (unknown name).
    GasUnknown { gas: String, suggestion: Option<String> },
    /// A gas has no GWP in the inventory's set.
    GasNotInGwpSet { gas: String, set: GwpSet },
    /// A factor publishes CO2e under another GWP set, without a per-gas split.
    PublishedUnderOtherGwpSet { factor: String, published_set: GwpSet, inventory_set: GwpSet },
    /// A fuel-combustion record has no oxidation factor.
    OxidationMissing,
    /// A fuel-combustion record has no net calorific value.
    NcvMissing,
    /// A fuel-combustion record has no carbon content per unit heat.
    CarbonContentMissing,
    /// A market factor is not per unit of energy.
    MarketFactorNotPerEnergy { factor: String },
    /// The record's facility is not in the boundary.
    FacilityNotInBoundary { facility: String },
    /// The record reaches outside the reporting period and is prorated.
    PartlyInPeriod { start: jiff::civil::Date, end: jiff::civil::Date, percent_in_period: f64 },
    /// The result is beyond any real emission.
    ImplausibleResult { co2e_kg: Option<f64> },
    /// Electricity records without a market factor use the location factor for their market-based figure.
    MarketFactorMissing { n_records: usize, record_ids: Vec<String> },
    /// A non-Kyoto gas is reported as a memo item.
    MemoGas { gas: String },
    /// A record of higher priority covers the same activity; this one is shown but not counted.
    SourceChosen { by_record: String, by_source: DataSourceKind, this_source: DataSourceKind },
    /// A record with certificates or PPAs (`covered_by_instruments`, in `unit`) or a market factor is superseded by
    /// `by_record`, which states neither: the market-based figure no longer counts them.
    InstrumentsNotCarried {
        record: String,
        by_record: String,
        covered_by_instruments: f64,
        unit: String,
        market_factor: bool,
    },
    /// Two records of the same priority overlap; both are counted.
    PossibleDoubleCount { record: String, other_record: String },
    /// A continuous source has months without data.
    PeriodGap { facility: String, source: EmissionSource, emission_point: String, months: Vec<String> },
    /// A plausibility finding on a parameter (see [`Plausibility`]).
    Implausible(Plausibility),
    /// A sentence stored by an earlier version, shown as written.
    Legacy { text: String },
}

/// A parameter that is almost certainly in the wrong unit or range. Import refuses the ones that cannot be right
/// (a rate above 100 %) and the engine warns next to the figure about the ones that are only suspicious.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Plausibility {
    /// Carbon content per unit heat above any fuel's tC/GJ: probably tC/TJ (1000× too large).
    CarbonContentLooksPerTj { value: f64 },
    /// Carbon content per unit heat below any fuel's tC/GJ: probably kgC/GJ… or tC/TJ divided twice (1000× too small).
    CarbonContentLooksTooSmall { value: f64 },
    /// An oxidation rate above 100 %.
    OxidationAbove100 { percent: f64 },
    /// An NCV on a row whose quantity is a mass, without the NCV's unit.
    NcvWithoutUnit { quantity_unit: String },
    /// A factor of another kind than the source needs (a fuel-combustion factor on purchased electricity).
    FactorKindMismatch { factor: String, category: tanji_ghg::FactorCategory, source: EmissionSource },
    /// Electricity covered by certificates or PPAs exceeds the electricity consumed.
    CoverageAboveConsumption { covered: f64, consumed: f64, unit: String },
}

/// Carbon content per unit heat that some fuel has, tC/GJ. IPCC 2006 Guidelines Vol. 2 Ch. 1 Table 1.3 gives default
/// carbon contents from 12.1 kg C/GJ (gas works gas, coke oven gas) to 70.8 kg C/GJ (blast furnace gas), i.e. 0.0121
/// to 0.0708 tC/GJ; the China guideline defaults lie inside that band. A value outside this wider band is reported
/// next to the figure as a warning.
///
/// Checked (not from memory): the IPCC Emission Factor Database export of the Table 1.3 "2006 IPCC default" records
/// (54 fuels, held in the public repository Open-Earth-Foundation/CityCatalyst,
/// `app/seed-data/emissions_factors/data_raw/EFDB_2006_IPCC_guidelines/EFDB_output.xlsx`) has its smallest default
/// at 12.1 kg/GJ (Gas Works Gas, EF ID 117530; Coke Oven Gas, 117531) and its largest at 70.8 kg/GJ (Blast Furnace
/// Gas, 117532). A second, independent reading agrees: the Table 1.4 CO2 defaults 44 400 and 260 000 kg/TJ for those
/// gases (transcribed in iClimate/ghgpy `efs.py`) are 12.1 × 44/12 and 70.8 × 44/12 to the table's rounding. The
/// band's bounds here are wider on purpose; the IPCC figures only show that real fuels sit well inside them.
pub const CARBON_CONTENT_T_C_PER_GJ_TYPICAL: (f64, f64) = (0.005, 0.1);

/// Beyond these bounds no fuel could be meant: 15.3 written for natural gas is tC/TJ (= kg C/GJ), 1000× the tC/GJ
/// the column holds, and 0.0000153 is 1000× too small. Import refuses such a row.
pub const CARBON_CONTENT_T_C_PER_GJ_POSSIBLE: (f64, f64) = (0.001, 1.0);

/// Why a line that was calculated is not in the totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ExclusionReason {
    /// The facility's share under the consolidation approach is 0.
    ZeroShare { approach: crate::model::ConsolidationApproach },
    /// The record lies outside the reporting period.
    OutsidePeriod,
    /// A sentence stored by an earlier version.
    Legacy { text: String },
}

impl<'de> Deserialize<'de> for ExclusionReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(tag = "code", rename_all = "snake_case")]
        enum Coded {
            ZeroShare { approach: crate::model::ConsolidationApproach },
            OutsidePeriod,
            Legacy { text: String },
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Coded(Coded),
            Text(String),
        }
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Coded(Coded::ZeroShare { approach }) => ExclusionReason::ZeroShare { approach },
            Stored::Coded(Coded::OutsidePeriod) => ExclusionReason::OutsidePeriod,
            Stored::Coded(Coded::Legacy { text }) | Stored::Text(text) => ExclusionReason::Legacy { text },
        })
    }
}

/// Reads a diagnostic message stored either as a coded value or (before messages were values) as a sentence.
pub(crate) fn diagnostic_message_or_legacy<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DiagnosticMessage, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Coded(DiagnosticMessage),
        Text(String),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Coded(message) => message,
        Stored::Text(text) => DiagnosticMessage::Legacy { text },
    })
}

/// Whether a total counts every record it should. "Incomplete" is stated by record and, because records of one
/// source may be in different units, by source and dimension: "purchased electricity: 1200 kg of 1200 kg in mass
/// not counted" beside "… 0 kWh of 3.4 GWh in energy" — amounts are only added where their units convert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Completeness {
    /// Every record that should be in the total is.
    #[default]
    Complete,
    /// Some records could not be calculated; the total leaves them out.
    Incomplete {
        /// Records not counted.
        n_records_not_counted: usize,
        /// Records that should be in the total (counted + not counted).
        n_records: usize,
        /// The records not counted, by id.
        record_ids: Vec<String>,
        /// Activity not counted, per source and dimension, against the activity of that source and dimension.
        activity: Vec<UncountedActivity>,
    },
}

impl Completeness {
    pub fn is_complete(&self) -> bool {
        matches!(self, Completeness::Complete)
    }

    /// The number of records left out (0 when complete).
    pub fn n_records_not_counted(&self) -> usize {
        match self {
            Completeness::Complete => 0,
            Completeness::Incomplete { n_records_not_counted, .. } => *n_records_not_counted,
        }
    }
}

/// Activity of one source and dimension that is not in a total, beside all activity of that source and dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncountedActivity {
    pub source: EmissionSource,
    pub dimension: Dimension,
    /// The unit both amounts are stated in (the unit of the first record not counted).
    pub unit: String,
    pub not_counted: f64,
    pub total: f64,
    /// Records of this source and dimension not counted, and all records of this source and dimension.
    pub n_records_not_counted: usize,
    pub n_records: usize,
}

/// One record's activity and whether it is in the total, for [`assess_completeness`].
pub struct RecordActivity<'a> {
    pub record_id: &'a str,
    pub source: EmissionSource,
    pub quantity: &'a Quantity,
    pub counted: bool,
}

/// Decides completeness from the records that should be in a total.
pub fn assess_completeness<'a>(records: impl IntoIterator<Item = RecordActivity<'a>>) -> Completeness {
    let mut assessment = CompletenessAssessment::default();
    for record in records {
        assessment.add(&record);
    }
    assessment.finish()
}

/// [`assess_completeness`] one record at a time, for inventories streamed from a file, with the same figures to the
/// last digit.
///
/// An uncounted activity is stated in the unit of the first record of its source and dimension that is not counted,
/// and its total sums every record of that source in file order, converted to that unit. Until a source has a
/// record that is not counted, that unit is not known, so the quantities of the source are kept — compactly, a
/// number and an index into the distinct units — and summed in order once it is; after that they are summed as they
/// come. That log (16 bytes a record) is the one part of the assessment that grows with the number of records.
#[derive(Default)]
pub struct CompletenessAssessment {
    units: Vec<Unit>,
    /// Quantities of each source, as (value, index in `units`), kept until the source's first uncounted record.
    pending: Vec<(EmissionSource, Vec<(f64, u32)>)>,
    activity: Vec<UncountedActivity>,
    /// The unit of each entry of `activity`.
    activity_units: Vec<Unit>,
    record_ids: Vec<String>,
    n_records: usize,
}

impl CompletenessAssessment {
    fn unit_index(&mut self, unit: &Unit) -> u32 {
        match self.units.iter().position(|known| known == unit) {
            Some(index) => index as u32,
            None => {
                self.units.push(unit.clone());
                (self.units.len() - 1) as u32
            }
        }
    }

    /// Takes the next record that should be in the total.
    pub fn add(&mut self, record: &RecordActivity<'_>) {
        self.n_records += 1;
        let quantity = record.quantity;
        if !record.counted {
            self.record_ids.push(record.record_id.to_owned());
            let dimension = quantity.unit.dimension();
            let known = self.activity.iter().any(|group| group.source == record.source && group.dimension == dimension);
            if !known {
                // A new group: its total is every earlier record of the source, in order, in this record's unit.
                let unit = quantity.unit.clone();
                let mut group = UncountedActivity {
                    source: record.source,
                    dimension,
                    unit: unit.symbol().to_owned(),
                    not_counted: 0.0,
                    total: 0.0,
                    n_records_not_counted: 0,
                    n_records: 0,
                };
                if let Some((_, log)) = self.pending.iter().find(|(source, _)| *source == record.source) {
                    for (value, unit_idx) in log {
                        let earlier = &self.units[*unit_idx as usize];
                        let Ok(factor) = earlier.conversion_factor_to(&unit) else { continue };
                        group.total += converted(*value, factor);
                        group.n_records += 1;
                    }
                }
                self.activity.push(group);
                self.activity_units.push(unit);
            }
        }
        for (group, unit) in self.activity.iter_mut().zip(&self.activity_units) {
            if group.source != record.source {
                continue;
            }
            let Ok(factor) = quantity.unit.conversion_factor_to(unit) else { continue };
            let value = converted(quantity.value, factor);
            group.total += value;
            group.n_records += 1;
            if !record.counted {
                group.not_counted += value;
                group.n_records_not_counted += 1;
            }
        }
        // Another dimension of this source may still fail later, so the log is kept for every source.
        let unit_idx = self.unit_index(&quantity.unit);
        match self.pending.iter_mut().find(|(source, _)| *source == record.source) {
            Some((_, log)) => log.push((quantity.value, unit_idx)),
            None => self.pending.push((record.source, vec![(quantity.value, unit_idx)])),
        }
    }

    pub fn finish(self) -> Completeness {
        if self.record_ids.is_empty() {
            return Completeness::Complete;
        }
        Completeness::Incomplete {
            n_records_not_counted: self.record_ids.len(),
            n_records: self.n_records,
            record_ids: self.record_ids,
            activity: self.activity,
        }
    }
}

/// `Quantity::value_in` for a value whose conversion factor is known: the same arithmetic, so the same bits.
fn converted(value: f64, factor: f64) -> f64 {
    value * factor
}
