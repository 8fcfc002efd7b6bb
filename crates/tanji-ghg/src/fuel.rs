//! Fuel properties for the combustion formula of the China enterprise guidelines and IPCC Tier 1
//! (E = FC × NCV × CC × OF × 44/12), and coal basis conversion.

use serde::{Deserialize, Serialize};
use tanji_units::Unit;

use crate::factor::Citation;

/// Default (or measured) properties of one fuel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FuelParameters {
    pub id: String,
    pub version: u32,
    pub fuel: String,
    pub name_en: String,
    pub name_zh: String,
    /// The unit fuel consumption is measured in for `ncv_gj_per_unit` (t, 10^4Nm3, Gg).
    pub quantity_unit: Unit,
    /// Net calorific value, GJ per `quantity_unit`.
    pub ncv_gj_per_unit: f64,
    /// Carbon content per unit heat, tC/GJ.
    pub carbon_content_t_c_per_gj: Option<f64>,
    /// Oxidation factor, 0–1.
    pub oxidation_fraction: Option<f64>,
    pub citation: Citation,
    pub year: i32,
    pub region: String,
    pub notes: String,
}

/// The molar-mass ratio of CO2 to C used by every guideline: 44/12.
pub const CO2_PER_C: f64 = 44.0 / 12.0;

/// The moisture basis a coal analysis is reported on (GB/T 483 symbols ar, ad, d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoalBasis {
    /// 收到基 as received (ar): the coal as it is burnt.
    AsReceived,
    /// 空气干燥基 air-dried (ad): the laboratory sample.
    AirDried,
    /// 干燥基 dry (d).
    Dry,
}

impl CoalBasis {
    pub fn parse(text: &str) -> Option<CoalBasis> {
        match text.trim().to_lowercase().as_str() {
            "ar" | "as_received" | "as-received" | "收到基" => Some(CoalBasis::AsReceived),
            "ad" | "air_dried" | "air-dried" | "空气干燥基" | "空干基" => Some(CoalBasis::AirDried),
            "d" | "dry" | "干燥基" | "干基" => Some(CoalBasis::Dry),
            _ => None,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CoalBasis::AsReceived => "ar",
            CoalBasis::AirDried => "ad",
            CoalBasis::Dry => "d",
        }
    }
}

/// Moisture contents needed to move between bases, in percent by mass.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoalMoisture {
    /// Total moisture of the coal as received, M_ar (%).
    pub as_received_percent: f64,
    /// Moisture of the air-dried analysis sample, M_ad (%).
    pub air_dried_percent: f64,
}

/// Why a basis conversion is impossible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BasisError {
    #[error("moisture must be between 0 % and 100 % (exclusive of 100), got {0} %")]
    MoistureOutOfRange(f64),
}

impl CoalMoisture {
    pub fn new(as_received_percent: f64, air_dried_percent: f64) -> Result<CoalMoisture, BasisError> {
        for value in [as_received_percent, air_dried_percent] {
            if !(0.0..100.0).contains(&value) {
                return Err(BasisError::MoistureOutOfRange(value));
            }
        }
        Ok(CoalMoisture { as_received_percent, air_dried_percent })
    }

    /// The factor that converts a content (carbon %, calorific value) reported on `from` to `to`.
    ///
    /// GB/T 483 / GB/T 213 relations: X_ar = X_ad × (100 − M_ar)/(100 − M_ad); X_d = X_ad × 100/(100 − M_ad);
    /// X_ar = X_d × (100 − M_ar)/100. (For calorific values this holds for the gross value on a constant-mass
    /// basis; net values also need the latent heat of the moisture, which the guidelines handle by measuring NCV
    /// on the as-received basis.)
    pub fn content_factor(self, from: CoalBasis, to: CoalBasis) -> f64 {
        let dry_share = |basis: CoalBasis| match basis {
            CoalBasis::AsReceived => (100.0 - self.as_received_percent) / 100.0,
            CoalBasis::AirDried => (100.0 - self.air_dried_percent) / 100.0,
            CoalBasis::Dry => 1.0,
        };
        dry_share(to) / dry_share(from)
    }

    /// The factor that converts a coal *mass* weighed on `from` to the mass on `to` (a tonne of dry coal is more
    /// than a tonne of wet coal): m_ar = m_d / (1 − M_ar/100). It is the inverse of [`content_factor`].
    ///
    /// [`content_factor`]: CoalMoisture::content_factor
    pub fn mass_factor(self, from: CoalBasis, to: CoalBasis) -> f64 {
        1.0 / self.content_factor(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked example from the documentation of the chemics library (wigging/chemics, docs/examples/analysis.rst,
    // commit 284ab090): carbon 60.08 % air-dried, M_ad 9.00 %, M_ar 29.02 % → 46.86 % as received and 66.02 % dry.
    // The same relations as GB/T 483 (C_ar = C_ad × (100 − M_ar)/(100 − M_ad); C_d = C_ad × 100/(100 − M_ad)).
    #[test]
    fn carbon_basis_conversion_matches_the_published_example() {
        let moisture = CoalMoisture::new(29.02, 9.00).unwrap();
        let as_received = 60.08 * moisture.content_factor(CoalBasis::AirDried, CoalBasis::AsReceived);
        let dry = 60.08 * moisture.content_factor(CoalBasis::AirDried, CoalBasis::Dry);
        assert_eq!(format!("{as_received:.2}"), "46.86");
        assert_eq!(format!("{dry:.2}"), "66.02");
    }

    #[test]
    fn mass_on_dry_basis_becomes_more_wet_mass() {
        let moisture = CoalMoisture::new(10.0, 2.0).unwrap();
        // m_ar = m_d / (1 − 0.10)
        let wet = 90.0 * moisture.mass_factor(CoalBasis::Dry, CoalBasis::AsReceived);
        assert!((wet - 100.0).abs() < 1e-12);
        // Carbon mass is the same whichever basis both content and mass are stated on.
        let carbon_dry = 90.0 * 0.70;
        let carbon_ar = wet * 0.70 * moisture.content_factor(CoalBasis::Dry, CoalBasis::AsReceived);
        assert!((carbon_dry - carbon_ar).abs() < 1e-12);
    }

    #[test]
    fn refuses_impossible_moisture() {
        assert!(CoalMoisture::new(100.0, 5.0).is_err());
        assert!(CoalMoisture::new(-1.0, 5.0).is_err());
    }
}
