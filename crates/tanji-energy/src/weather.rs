//! Outdoor weather for a site: the daily mean temperature at a cited station, turned into heating and cooling
//! degree-days so that a baseline can take the weather into account (ISO 50006 relevant variables; ASHRAE Guideline
//! 14 and IPMVP weather-normalised baselines).
//!
//! Degree-days by the mean-temperature method, the one that needs only a daily mean: HDD = max(0, Tb,h − T̄) and
//! CDD = max(0, T̄ − Tb,c), with T̄ the day's mean outdoor temperature and Tb the base temperatures. The default base
//! of 18 °C for both is the common practice (Degree Days.net's and ASHRAE's 18.3 °C / 65 °F rounded; China's GB 50736
//! heating degree-days use 18 °C too); a site states its own when its balance point is known to differ.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The default base temperature for heating and cooling degree-days, °C.
pub const DEFAULT_BASE_TEMPERATURE_C: f64 = 18.0;

/// The base temperatures of the degree-days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DegreeDayBases {
    /// Below this mean temperature a day counts heating degree-days, °C.
    pub heating_base_c: f64,
    /// Above this mean temperature a day counts cooling degree-days, °C.
    pub cooling_base_c: f64,
}

impl Default for DegreeDayBases {
    fn default() -> Self {
        DegreeDayBases { heating_base_c: DEFAULT_BASE_TEMPERATURE_C, cooling_base_c: DEFAULT_BASE_TEMPERATURE_C }
    }
}

impl DegreeDayBases {
    /// Heating degree-days of a day with this mean temperature.
    pub fn heating_degree_days(self, mean_temperature_c: f64) -> f64 {
        (self.heating_base_c - mean_temperature_c).max(0.0)
    }

    /// Cooling degree-days of a day with this mean temperature.
    pub fn cooling_degree_days(self, mean_temperature_c: f64) -> f64 {
        (mean_temperature_c - self.cooling_base_c).max(0.0)
    }
}

/// One day's mean outdoor temperature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeatherDay {
    /// The local day.
    pub day: Date,
    /// Its mean outdoor dry-bulb temperature, °C.
    pub mean_temperature_c: f64,
}

/// A site's weather: where it was measured, who publishes it, and the daily means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weather {
    /// The station, e.g. "58665 台州 (WMO)".
    pub station: String,
    /// The source of the data, with its version or retrieval date and licence.
    pub source: String,
    /// The station in Chinese, when the site file gives it beside `station` (`station_zh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_zh: Option<String>,
    /// The source in Chinese, when the site file gives it beside `source` (`source_zh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_zh: Option<String>,
    /// The degree-day bases.
    pub bases: DegreeDayBases,
    /// The days, in any order, one per day.
    pub days: Vec<WeatherDay>,
}

/// A day's degree-days and the temperature they came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DayWeather {
    /// Mean outdoor temperature, °C.
    pub mean_temperature_c: f64,
    /// Heating degree-days.
    pub heating_degree_days: f64,
    /// Cooling degree-days.
    pub cooling_degree_days: f64,
}

impl Weather {
    /// The days by date, with their degree-days.
    pub fn by_day(&self) -> HashMap<Date, DayWeather> {
        self.days
            .iter()
            .map(|day| {
                (
                    day.day,
                    DayWeather {
                        mean_temperature_c: day.mean_temperature_c,
                        heating_degree_days: self.bases.heating_degree_days(day.mean_temperature_c),
                        cooling_degree_days: self.bases.cooling_degree_days(day.mean_temperature_c),
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Degree-days by hand at the 18 °C default: 5 °C → 13 HDD, 0 CDD; 18 °C → 0, 0; 27.5 °C → 0 HDD, 9.5 CDD.
    /// With bases 15.5 °C (heating) and 22 °C (cooling): 5 °C → 10.5 HDD; 27.5 °C → 5.5 CDD; 20 °C → 0, 0.
    #[test]
    fn degree_days_by_the_mean_temperature_method() {
        let check = |bases: DegreeDayBases, temperature_c: f64, expect: (f64, f64)| {
            let got = (bases.heating_degree_days(temperature_c), bases.cooling_degree_days(temperature_c));
            assert_eq!(got, expect, "{temperature_c} °C with {bases:?}");
        };
        let default = DegreeDayBases::default();
        check(default, 5.0, (13.0, 0.0));
        check(default, 18.0, (0.0, 0.0));
        check(default, 27.5, (0.0, 9.5));
        let own = DegreeDayBases { heating_base_c: 15.5, cooling_base_c: 22.0 };
        check(own, 5.0, (10.5, 0.0));
        check(own, 27.5, (0.0, 5.5));
        check(own, 20.0, (0.0, 0.0));
    }
}
