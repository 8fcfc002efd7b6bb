//! A result line's arithmetic and the parameters it used, as values: each step is a code with its numbers and
//! units, rendered in 简体中文 or English by `tanji-i18n` (module `inventory`), so a Chinese page shows "基于市场" and
//! "实测" where an English one shows "market-based" and "measured".
//!
//! Results stored by earlier versions hold the formula as one English string ("…; …") and each parameter as a
//! string; they are read back as `Legacy { text }` steps and parameters and shown as written, so the stored audit
//! trail stays readable.

use serde::{Deserialize, Deserializer, Serialize};

/// One step of a line's arithmetic, in the order performed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FormulaStep {
    /// `activity` `unit` × [the factor's terms] = `co2e_kg` kg CO2e.
    FactorApplied { activity: f64, unit: String, terms: Vec<FactorTerm>, co2e_kg: f64 },
    /// Market-based: (`activity` − `covered` by certificates/PPAs) `unit` × `rate` kg CO2e/`market_unit`.
    MarketBased { activity: f64, covered: f64, unit: String, rate_kg_co2e: f64, market_unit: String, co2e_kg: f64 },
    /// A measured mass of a gas × its GWP.
    MeasuredGas { gas: String, mass_kg: f64, gwp: f64, co2e_kg: f64 },
    /// A refrigerant loss (`loss` says how it was found) × the blend's components and their GWPs.
    RefrigerantLoss { loss: RefrigerantLoss, loss_kg: f64, components: Vec<BlendComponent>, co2e_kg: f64 },
    /// An activity with no emissions of its own (on-site renewable electricity), kept as a memo.
    NoEmissions { amount: f64, unit: String },
    /// The fuel consumed, FC, as entered.
    FuelConsumed { quantity: String },
    /// Coal weighed on another basis than as received, converted: FC_ar = FC × factor.
    CoalAsReceived { amount: f64, unit: String, basis: String, factor: f64, as_received: f64 },
    /// Carbon from the coal's carbon content by mass: C = t × C_ar %.
    CarbonFromMass { tonnes: f64, carbon_percent: f64, carbon_t: f64 },
    /// Activity data in energy: AD = FC × NCV.
    EnergyFromNcv { quantity: f64, ncv: f64, energy_gj: f64 },
    /// Carbon from energy and carbon content: C = AD × CC.
    CarbonFromEnergy { energy_gj: f64, carbon_content: f64, carbon_t: f64 },
    /// CO2 = C × OF × 44/12.
    Co2FromCarbon { carbon_t: f64, oxidation: f64, co2_kg: f64 },
    /// Biomass: the CO2 is reported as biogenic, outside scope totals.
    BiomassBiogenic,
    /// The reported share: gross × period share × boundary share.
    Reported { gross_kg: f64, period_share: f64, boundary_share: f64, co2e_kg: f64 },
    /// A step stored by an earlier version, shown as written.
    Legacy { text: String },
}

impl FormulaStep {
    /// Whether every number of the step is finite.
    pub fn is_finite(&self) -> bool {
        let numbers: Vec<f64> = match self {
            FormulaStep::FactorApplied { activity, terms, co2e_kg, .. } => {
                let mut numbers = vec![*activity, *co2e_kg];
                for term in terms {
                    match term {
                        FactorTerm::Gas { kg_per_unit, gwp, .. } => numbers.extend([*kg_per_unit, *gwp]),
                        FactorTerm::PublishedCo2e { kg_co2e_per_unit, .. } => numbers.push(*kg_co2e_per_unit),
                    }
                }
                numbers
            }
            FormulaStep::MarketBased { activity, covered, rate_kg_co2e, co2e_kg, .. } => {
                vec![*activity, *covered, *rate_kg_co2e, *co2e_kg]
            }
            FormulaStep::MeasuredGas { mass_kg, gwp, co2e_kg, .. } => vec![*mass_kg, *gwp, *co2e_kg],
            FormulaStep::RefrigerantLoss { loss, loss_kg, components, co2e_kg } => {
                let mut numbers = match loss {
                    RefrigerantLoss::TopUp { kg } => vec![*kg],
                    RefrigerantLoss::MassBalance {
                        inventory_decrease_kg,
                        purchased_kg,
                        disposed_kg,
                        capacity_increase_kg,
                    } => vec![*inventory_decrease_kg, *purchased_kg, *disposed_kg, *capacity_increase_kg],
                    RefrigerantLoss::Screening { charge_kg, leak_rate_percent, years } => {
                        vec![*charge_kg, *leak_rate_percent, *years]
                    }
                };
                numbers.extend([*loss_kg, *co2e_kg]);
                numbers.extend(components.iter().flat_map(|component| [component.percent, component.gwp]));
                numbers
            }
            FormulaStep::NoEmissions { amount, .. } => vec![*amount],
            FormulaStep::CoalAsReceived { amount, factor, as_received, .. } => vec![*amount, *factor, *as_received],
            FormulaStep::CarbonFromMass { tonnes, carbon_percent, carbon_t } => {
                vec![*tonnes, *carbon_percent, *carbon_t]
            }
            FormulaStep::EnergyFromNcv { quantity, ncv, energy_gj } => vec![*quantity, *ncv, *energy_gj],
            FormulaStep::CarbonFromEnergy { energy_gj, carbon_content, carbon_t } => {
                vec![*energy_gj, *carbon_content, *carbon_t]
            }
            FormulaStep::Co2FromCarbon { carbon_t, oxidation, co2_kg } => vec![*carbon_t, *oxidation, *co2_kg],
            FormulaStep::Reported { gross_kg, period_share, boundary_share, co2e_kg } => {
                vec![*gross_kg, *period_share, *boundary_share, *co2e_kg]
            }
            FormulaStep::FuelConsumed { .. } | FormulaStep::BiomassBiogenic | FormulaStep::Legacy { .. } => Vec::new(),
        };
        numbers.iter().all(|number| number.is_finite())
    }
}

/// One term of a factor: a gas's rate and GWP, or a published CO2e rate not split by gas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FactorTerm {
    /// `kg_per_unit` kg of `gas` per `unit` × GWP `gwp`.
    Gas { gas: String, kg_per_unit: f64, unit: String, gwp: f64 },
    /// `kg_co2e_per_unit` kg CO2e per `unit`, as published, not split by gas.
    PublishedCo2e { kg_co2e_per_unit: f64, unit: String },
}

/// How a refrigerant loss was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "approach", rename_all = "snake_case")]
pub enum RefrigerantLoss {
    /// The top-up is the loss.
    TopUp { kg: f64 },
    /// Mass balance: inventory decrease + purchased − disposed − capacity increase.
    MassBalance { inventory_decrease_kg: f64, purchased_kg: f64, disposed_kg: f64, capacity_increase_kg: f64 },
    /// Screening: charge × annual leak rate × years.
    Screening { charge_kg: f64, leak_rate_percent: f64, years: f64 },
}

/// One component of a refrigerant (a pure gas is one component of 100 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlendComponent {
    pub gas: String,
    pub percent: f64,
    pub gwp: f64,
}

/// A parameter a line used, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Parameter {
    /// Net calorific value, GJ per `unit`.
    Ncv { gj_per_unit: f64, unit: String, origin: ParameterOrigin },
    /// Carbon content per unit heat, tC/GJ.
    CarbonContent { t_c_per_gj: f64, origin: ParameterOrigin },
    /// Oxidation factor (a fraction).
    Oxidation { fraction: f64, origin: ParameterOrigin },
    /// Coal carbon content converted to as received: C_ar = C_basis × factor, from the moistures.
    CoalCarbonAsReceived {
        basis: String,
        carbon_percent: f64,
        factor: f64,
        as_received_percent: f64,
        moisture_as_received_percent: f64,
        moisture_air_dried_percent: f64,
    },
    /// A refrigerant's GWP under the inventory's set.
    RefrigerantGwp { designation: String, gwp_set: String, gwp: f64 },
    /// A parameter stored by an earlier version, shown as written.
    Legacy { text: String },
}

/// Where a parameter's value came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum ParameterOrigin {
    /// Measured by the organisation (given in the record).
    Measured,
    /// A default: the parameter set `id`, with its short citation when the line names it.
    Default { id: Option<String>, citation: Option<String> },
}

/// A number in a formula, for people: up to six decimals (or six significant figures below 0.001), never an
/// exponent below 10¹², and float noise (below 10⁻¹²) written as 0. The same in both languages.
pub fn formula_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude < 1e-12 {
        return "0".into();
    }
    let text = if magnitude < 0.001 {
        let decimals = (-magnitude.log10().floor()) as usize + 5;
        format!("{value:.decimals$}")
    } else if magnitude < 1e12 {
        format!("{value:.6}")
    } else {
        return format!("{value:e}");
    };
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A stored formula: steps, or (before steps were kept) one English string of steps joined by "; ".
pub(crate) fn formula_or_legacy<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<FormulaStep>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Steps(Vec<FormulaStep>),
        Text(String),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Steps(steps) => steps,
        Stored::Text(text) => text
            .split("; ")
            .filter(|step| !step.is_empty())
            .map(|step| FormulaStep::Legacy { text: step.to_owned() })
            .collect(),
    })
}

/// Stored parameters: values, or (before they were kept as values) English strings.
pub(crate) fn parameters_or_legacy<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Parameter>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Coded(Parameter),
        Text(String),
    }
    Ok(Vec::<Stored>::deserialize(deserializer)?
        .into_iter()
        .map(|stored| match stored {
            Stored::Coded(parameter) => parameter,
            Stored::Text(text) => Parameter::Legacy { text },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_and_parameters_stored_as_english_text_read_as_legacy() {
        #[derive(Deserialize)]
        struct Line {
            #[serde(deserialize_with = "formula_or_legacy")]
            formula: Vec<FormulaStep>,
            #[serde(deserialize_with = "parameters_or_legacy")]
            parameters: Vec<Parameter>,
        }
        let old: Line = serde_json::from_str(
            r#"{"formula": "1000 kWh × [0.5 kg CO2/kWh × GWP 1] = 500 kg CO2e; market-based: (1000 − 0 covered) = 500 kg CO2e",
                "parameters": ["OF 0.98 (measured)"]}"#,
        )
        .unwrap();
        assert_eq!(old.formula.len(), 2);
        assert_eq!(
            old.formula[1],
            FormulaStep::Legacy { text: "market-based: (1000 − 0 covered) = 500 kg CO2e".into() }
        );
        assert_eq!(old.parameters, [Parameter::Legacy { text: "OF 0.98 (measured)".into() }]);
        let new: Line = serde_json::from_str(
            r#"{"formula": [{"code": "biomass_biogenic"}],
                "parameters": [{"code": "oxidation", "fraction": 0.98, "origin": {"origin": "measured"}}]}"#,
        )
        .unwrap();
        assert_eq!(new.formula, [FormulaStep::BiomassBiogenic]);
        assert_eq!(new.parameters, [Parameter::Oxidation { fraction: 0.98, origin: ParameterOrigin::Measured }]);
    }

    #[test]
    fn formula_numbers_have_no_exponent_and_no_float_noise() {
        assert_eq!(formula_number(1.6e-6), "0.0000016");
        assert_eq!(formula_number(5.4e-6), "0.0000054");
        assert_eq!(formula_number(0.000123456789), "0.000123457");
        assert_eq!(formula_number(3.4694e-18), "0");
        assert_eq!(formula_number(-3.4694e-18), "0");
        assert_eq!(formula_number(561.7), "561.7");
        assert_eq!(formula_number(0.0), "0");
        assert_eq!(formula_number(0.1 + 0.2), "0.3");
    }
}
