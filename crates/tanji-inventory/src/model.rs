//! The inputs of an inventory: boundary, facilities, activity records and the method of each record.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_ghg::{CoalBasis, CoalMoisture, Gas, GwpSet};
use tanji_units::Quantity;

use crate::classification::{DataSourceKind, EmissionSource, IsoCategory};

/// GHG Protocol / ISO 14064-1 consolidation approach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsolidationApproach {
    /// Emissions in proportion to the equity share.
    EquityShare,
    /// 100 % of facilities under financial control, none of the others.
    FinancialControl,
    /// 100 % of facilities under operational control, none of the others.
    OperationalControl,
}

impl ConsolidationApproach {
    pub const ALL: [ConsolidationApproach; 3] = [
        ConsolidationApproach::EquityShare,
        ConsolidationApproach::FinancialControl,
        ConsolidationApproach::OperationalControl,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ConsolidationApproach::EquityShare => "equity_share",
            ConsolidationApproach::FinancialControl => "financial_control",
            ConsolidationApproach::OperationalControl => "operational_control",
        }
    }

    pub fn parse(text: &str) -> Option<ConsolidationApproach> {
        ConsolidationApproach::ALL.into_iter().find(|approach| approach.key() == text.trim())
    }
}

/// A share between 0 and 1 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Fraction(f64);

impl Fraction {
    pub const ONE: Fraction = Fraction(1.0);
    pub const ZERO: Fraction = Fraction(0.0);

    pub fn new(value: f64) -> Option<Fraction> {
        (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(Fraction(value))
    }

    pub fn from_percent(percent: f64) -> Option<Fraction> {
        Fraction::new(percent / 100.0)
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

/// A facility and how it sits in the organisation's boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityBoundary {
    /// The key activity records refer to.
    pub key: String,
    pub name: String,
    pub equity_share: Fraction,
    pub financial_control: bool,
    pub operational_control: bool,
}

impl FacilityBoundary {
    /// The share of this facility's emissions the organisation reports under `approach`.
    pub fn inclusion_share(&self, approach: ConsolidationApproach) -> Fraction {
        match approach {
            ConsolidationApproach::EquityShare => self.equity_share,
            ConsolidationApproach::FinancialControl => {
                if self.financial_control {
                    Fraction::ONE
                } else {
                    Fraction::ZERO
                }
            }
            ConsolidationApproach::OperationalControl => {
                if self.operational_control {
                    Fraction::ONE
                } else {
                    Fraction::ZERO
                }
            }
        }
    }
}

/// A factor named by id, optionally pinned to a version (the latest is used and pinned otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorChoice {
    pub id: String,
    pub version: Option<u32>,
}

impl FactorChoice {
    /// Parse `id` or `id@version`.
    pub fn parse(text: &str) -> Option<FactorChoice> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.split_once('@') {
            Some((id, version)) => Some(FactorChoice { id: id.to_owned(), version: version.parse().ok() }),
            None => Some(FactorChoice { id: text.to_owned(), version: None }),
        }
    }
}

/// How the fuel's properties are known for E = FC × NCV × CC × OF × 44/12.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FuelCombustion {
    /// Measured NCV in GJ per unit of the record's quantity unit (already converted), if measured.
    pub ncv_gj_per_unit: Option<f64>,
    /// Measured carbon content per unit heat, tC/GJ.
    pub carbon_content_t_c_per_gj: Option<f64>,
    /// Measured oxidation fraction.
    pub oxidation_fraction: Option<f64>,
    /// Default parameters to fill what was not measured (id of a fuel-parameter record).
    pub default_parameters: Option<String>,
    /// Coal: the moisture basis of the weighed quantity and of the measured carbon content, with moistures.
    pub coal: Option<CoalBases>,
    /// Carbon from biomass: its CO2 is reported apart as biogenic.
    pub biomass: bool,
}

/// Coal weighed and analysed on possibly different moisture bases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoalBases {
    pub quantity_basis: CoalBasis,
    /// The basis of the measured carbon content by mass (`carbon_percent`), when carbon is given by mass.
    pub carbon_basis: CoalBasis,
    pub moisture: CoalMoisture,
    /// Carbon content by mass (%), as analysed on `carbon_basis`. When given, emissions are FC × C × OF × 44/12
    /// (the guideline's element-carbon route) and NCV/CC are not needed.
    pub carbon_percent: Option<f64>,
}

/// How a fugitive refrigerant loss is determined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "approach")]
pub enum RefrigerantApproach {
    /// The quantity is the refrigerant charged to top up equipment: it replaces what leaked.
    TopUp,
    /// GHG Protocol mass balance: loss = decrease in stored inventory + purchased − sold/returned − increase in
    /// equipment capacity (all kg). The record's quantity is ignored.
    MassBalance { inventory_decrease_kg: f64, purchased_kg: f64, disposed_kg: f64, capacity_increase_kg: f64 },
    /// Screening: the quantity is the equipment's charge; loss = charge × annual leak rate × share of the year.
    Screening { annual_leak_fraction: f64 },
}

/// Market-based instruments for purchased electricity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketBasis {
    /// Residual-mix or supplier-specific factor for the part not covered by instruments.
    pub market_factor: Option<FactorChoice>,
    /// Energy covered by green certificates, PPAs or green-power trading, in the record's unit (emission 0).
    pub covered_by_instruments: f64,
}

/// How a record's emissions are calculated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Method {
    /// Activity × emission factor (IPCC / EPA / DESNZ / own factors).
    Factor { factor: FactorChoice },
    /// China enterprise-guideline combustion formula.
    FuelCombustion(FuelCombustion),
    /// The quantity is a measured mass of one gas (process emissions, CEMS).
    DirectEmission { gas: Gas },
    /// Fugitive refrigerant loss.
    Refrigerant { refrigerant: String, approach: RefrigerantApproach },
    /// Purchased electricity: location-based with `location_factor`, market-based with instruments.
    Electricity { location_factor: FactorChoice, market: MarketBasis },
    /// No emissions (self-generated renewable electricity): reported as a memo line.
    NoEmissions,
}

/// Five data-quality indicators, each 1 (very good) to 5 (very poor), as in the pedigree matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataQuality {
    pub reliability: u8,
    pub temporal: u8,
    pub geographical: u8,
    pub technological: u8,
    pub completeness: u8,
}

impl DataQuality {
    pub fn parse(text: &str) -> Option<DataQuality> {
        let scores: Vec<u8> = text
            .split([',', ' ', '/', ';'])
            .filter(|part| !part.is_empty())
            .map(|part| part.parse().ok())
            .collect::<Option<_>>()?;
        if scores.len() != 5 || scores.iter().any(|score| !(1..=5).contains(score)) {
            return None;
        }
        Some(DataQuality {
            reliability: scores[0],
            temporal: scores[1],
            geographical: scores[2],
            technological: scores[3],
            completeness: scores[4],
        })
    }

    /// The mean of the five scores.
    pub fn mean(self) -> f64 {
        f64::from(
            u16::from(self.reliability)
                + u16::from(self.temporal)
                + u16::from(self.geographical)
                + u16::from(self.technological)
                + u16::from(self.completeness),
        ) / 5.0
    }
}

/// One piece of activity data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRecord {
    /// Stable reference: a database id, or `file:row`.
    pub id: String,
    pub facility: String,
    /// First day covered.
    pub period_start: Date,
    /// Last day covered (inclusive).
    pub period_end: Date,
    pub source: EmissionSource,
    /// The equipment or point the record measures ("Boiler 1"); records of the same point and activity compete
    /// for priority.
    pub emission_point: String,
    /// What was consumed or done, in words.
    pub activity: String,
    pub quantity: Quantity,
    pub data_source: DataSourceKind,
    pub method: Method,
    pub quality: Option<DataQuality>,
    /// Relative uncertainty (95 % confidence half-width, percent) of the resulting emissions.
    pub uncertainty_percent: Option<f64>,
    /// Scope-3 calculation method as stated (supplier-specific, hybrid, average-data, spend-based, distance-based …).
    pub scope3_method: Option<String>,
    pub iso_category_override: Option<IsoCategory>,
    /// References to evidence (file names, document numbers, attachment ids).
    pub evidence: Vec<String>,
    pub notes: String,
}

impl ActivityRecord {
    /// The key under which records of different data sources compete: facility, source, point and activity.
    pub fn competition_key(&self) -> String {
        let mut key = String::new();
        self.write_competition_key(&mut key);
        key
    }

    /// [`ActivityRecord::competition_key`] written at the end of `out`, for a key looked up once per record without
    /// allocating it.
    pub fn write_competition_key(&self, out: &mut String) {
        out.push_str(&self.facility);
        out.push('|');
        self.source.push_key(out);
        out.push('|');
        out.push_str(&self.emission_point);
        out.push('|');
        out.push_str(self.activity.trim());
        out.push('|');
        match &self.method {
            Method::Factor { factor } => {
                out.push_str("factor:");
                out.push_str(&factor.id);
            }
            Method::FuelCombustion(fuel) => {
                out.push_str("fuel:");
                out.push_str(fuel.default_parameters.as_deref().unwrap_or_default());
            }
            Method::DirectEmission { gas } => {
                out.push_str("gas:");
                out.push_str(gas.name());
            }
            Method::Refrigerant { refrigerant, .. } => {
                out.push_str("refrigerant:");
                out.push_str(refrigerant);
            }
            Method::Electricity { .. } => out.push_str("electricity"),
            Method::NoEmissions => out.push_str("none"),
        }
    }

    pub fn iso_category(&self) -> IsoCategory {
        self.iso_category_override.unwrap_or_else(|| self.source.iso_category())
    }
}

/// What is calculated: who, when, with which GWP set and boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryInput {
    pub organisation: String,
    /// First and last day of the reporting period (inclusive).
    pub period_start: Date,
    pub period_end: Date,
    pub gwp_set: GwpSet,
    pub consolidation: ConsolidationApproach,
    pub facilities: Vec<FacilityBoundary>,
    pub records: Vec<ActivityRecord>,
}

/// What the organisation produced in the reporting period, stated by it, for the emission intensity per unit of
/// output (GB/T 32150-2015 and the China sector guidelines report emissions per unit of product; the GHG Protocol
/// Corporate Standard ch. 9 lists intensity ratios as optional information beside the absolute totals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionOutput {
    /// The amount produced, greater than zero.
    pub quantity: f64,
    /// Its unit as the organisation reports it (`t`, `件`, `万元` of revenue …): free text, at most 40 characters.
    pub unit: String,
    /// What was produced ("paper cups", "瓦楞纸箱"), optional, at most 200 characters.
    pub description: String,
}

/// Why a stated output was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The quantity is missing, not a number, zero or negative.
    #[error("the output quantity must be a number greater than 0")]
    QuantityNotPositive,
    /// The unit is missing or longer than 40 characters, or contains control characters.
    #[error("the output unit is required, on one line, at most 40 characters")]
    UnitInvalid,
    /// The description is longer than 200 characters or contains control characters.
    #[error("the description is at most 200 characters, on one line")]
    DescriptionInvalid,
}

impl ProductionOutput {
    /// Parse the output as typed in a form or on the command line.
    pub fn parse(quantity: &str, unit: &str, description: &str) -> Result<ProductionOutput, OutputError> {
        let quantity: f64 = quantity.trim().replace(',', "").parse().map_err(|_| OutputError::QuantityNotPositive)?;
        if !quantity.is_finite() || quantity <= 0.0 {
            return Err(OutputError::QuantityNotPositive);
        }
        let one_line =
            |text: &str, max_chars: usize| text.chars().count() <= max_chars && !text.chars().any(char::is_control);
        let unit = unit.trim();
        if unit.is_empty() || !one_line(unit, 40) {
            return Err(OutputError::UnitInvalid);
        }
        let description = description.trim();
        if !one_line(description, 200) {
            return Err(OutputError::DescriptionInvalid);
        }
        Ok(ProductionOutput { quantity, unit: unit.to_owned(), description: description.to_owned() })
    }

    /// Emissions per unit of output, kg CO2e per unit: (location-based, market-based).
    pub fn intensity_kg_per_unit(&self, totals: &crate::engine::Totals) -> (f64, f64) {
        (totals.total_location_kg / self.quantity, totals.total_market_kg / self.quantity)
    }
}
