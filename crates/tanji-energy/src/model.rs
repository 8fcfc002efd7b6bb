//! The meter tree of a site (site → area → production line → meter) and what each meter measures.
//!
//! A model is built by `file::read_site_file` from the site description people write, or by an adapter from
//! stored rows; once built it is consistent: every meter's line exists, every line's area exists, ids are unique.

use serde::{Deserialize, Serialize};

/// What a meter measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeterKind {
    /// Electricity (有功电能).
    Electricity,
    /// Natural gas (天然气).
    NaturalGas,
    /// Steam (蒸汽).
    Steam,
    /// Water (水): a resource, never added to energy.
    Water,
    /// Compressed air (压缩空气).
    CompressedAir,
}

impl MeterKind {
    /// The kinds, as written in a site file.
    pub const NAMES: [&'static str; 5] = ["electricity", "natural_gas", "steam", "water", "compressed_air"];

    /// Whether the meter's readings count towards a line's energy (water does not).
    pub fn is_energy(self) -> bool {
        !matches!(self, MeterKind::Water)
    }
}

/// The unit a meter's register counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MeterUnit {
    /// Kilowatt-hours.
    #[serde(rename = "kWh")]
    KilowattHour,
    /// Megawatt-hours.
    #[serde(rename = "MWh")]
    MegawattHour,
    /// Gigajoules.
    #[serde(rename = "GJ")]
    Gigajoule,
    /// Cubic metres at metering conditions (gas, water, compressed air).
    #[serde(rename = "m3")]
    CubicMetre,
    /// Normal cubic metres (0 °C, 101.325 kPa).
    #[serde(rename = "Nm3")]
    NormalCubicMetre,
    /// Tonnes (steam).
    #[serde(rename = "t")]
    Tonne,
}

impl MeterUnit {
    /// The units, as written in a site file.
    pub const NAMES: [&'static str; 6] = ["kWh", "MWh", "GJ", "m3", "Nm3", "t"];

    /// kWh per unit when the unit is itself energy (exact by definition: 1 GJ = 10⁹ J / 3.6·10⁶ J per kWh);
    /// `None` for volume and mass, whose energy content the site must state.
    pub fn exact_kwh_per_unit(self) -> Option<f64> {
        match self {
            MeterUnit::KilowattHour => Some(1.0),
            MeterUnit::MegawattHour => Some(1000.0),
            MeterUnit::Gigajoule => Some(1.0e9 / 3.6e6),
            MeterUnit::CubicMetre | MeterUnit::NormalCubicMetre | MeterUnit::Tonne => None,
        }
    }

    /// The unit as written.
    pub fn symbol(self) -> &'static str {
        match self {
            MeterUnit::KilowattHour => "kWh",
            MeterUnit::MegawattHour => "MWh",
            MeterUnit::Gigajoule => "GJ",
            MeterUnit::CubicMetre => "m3",
            MeterUnit::NormalCubicMetre => "Nm3",
            MeterUnit::Tonne => "t",
        }
    }
}

/// How a meter reports: the energy of each interval, or a cumulative register read at each timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "register", rename_all = "snake_case")]
pub enum Register {
    /// Each reading is the quantity used in the interval that ends at its timestamp.
    Interval,
    /// Each reading is the register's total at its timestamp; the register counts modulo `rollover_value`, when
    /// the meter says so.
    Cumulative {
        /// The value at which the register shows zero again: 1000000 for a six-digit register (after 999999 it
        /// shows 000000), 100000 for a six-digit register with one decimal (after 99999.9).
        rollover_value: Option<f64>,
    },
}

/// The equipment a meter serves on its line: where in the line a gap in energy per unit appears, and so which
/// recommendation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Equipment {
    /// The whole line (one main meter).
    WholeLine,
    /// Heaters (e.g. the hot-air or induction heaters that seal paper cups).
    Heater,
    /// Motors and drives.
    Drive,
    /// Compressed air.
    CompressedAir,
    /// Cooling and chilled water.
    Cooling,
    /// Heating, ventilation and air conditioning.
    Hvac,
    /// Lighting.
    Lighting,
    /// Anything else.
    Other,
}

impl Equipment {
    /// The equipment names, as written in a site file.
    pub const NAMES: [&'static str; 8] =
        ["whole_line", "heater", "drive", "compressed_air", "cooling", "hvac", "lighting", "other"];
}

/// A site (工厂) with its areas, lines and meters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// The site's name.
    pub name: String,
    /// Offset of the site's local time from UTC, in seconds (+08:00 is 28,800). Days and months are local.
    pub utc_offset_seconds: i32,
    /// The metering interval in minutes (15 for quarter-hour data, 60 for hourly).
    pub interval_minutes: u32,
    /// Areas or buildings (车间).
    pub areas: Vec<Area>,
    /// Production lines (产线).
    pub lines: Vec<Line>,
    /// Meters (计量表).
    pub meters: Vec<Meter>,
    /// The grid emission factor used for every t CO2e figure: always stated, never implicit.
    pub grid_factor: GridFactor,
    /// The electricity price, when the site gives one (for ¥ figures).
    pub tariff: Option<Tariff>,
}

impl Site {
    /// The metering interval in seconds.
    pub fn interval_seconds(&self) -> i64 {
        i64::from(self.interval_minutes) * 60
    }

    /// The line with this id.
    pub fn line(&self, line_id: &str) -> Option<&Line> {
        self.lines.iter().find(|line| line.id == line_id)
    }

    /// The meter with this id.
    pub fn meter(&self, meter_id: &str) -> Option<&Meter> {
        self.meters.iter().find(|meter| meter.id == meter_id)
    }

    /// The meters on a line.
    pub fn meters_of_line<'a>(&'a self, line_id: &'a str) -> impl Iterator<Item = &'a Meter> + 'a {
        self.meters.iter().filter(move |meter| meter.line == line_id)
    }
}

/// An area or building of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Unique id within the site.
    pub id: String,
    /// Name shown to people.
    pub name: String,
}

/// A production line and the product it makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Unique id within the site.
    pub id: String,
    /// Name shown to people.
    pub name: String,
    /// The area the line stands in.
    pub area: String,
    /// The product SKU the line makes; lines with the same SKU are peers for benchmarking.
    pub product_sku: String,
    /// The unit its production counter counts (e.g. "cup").
    pub output_unit: String,
}

/// A meter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meter {
    /// Unique id within the site; readings name it.
    pub id: String,
    /// The line it serves.
    pub line: String,
    /// What it measures.
    pub kind: MeterKind,
    /// What it serves on the line.
    pub serves: Equipment,
    /// The unit its register counts in.
    pub unit: MeterUnit,
    /// How it reports.
    pub register: Register,
    /// Current-transformer ratio (e.g. 200/5 = 40); 1 without one.
    pub ct_ratio: f64,
    /// Voltage (potential) transformer ratio; 1 without one.
    pub pt_ratio: f64,
    /// Any further register multiplier; 1 without one.
    pub multiplier: f64,
    /// kWh per unit for volume and mass units (a stated net calorific value or steam enthalpy), exact for energy
    /// units, `None` for water.
    pub kwh_per_unit: Option<f64>,
}

impl Meter {
    /// The factor from a register difference to the metered quantity: CT ratio × PT ratio × multiplier.
    pub fn register_factor(&self) -> f64 {
        self.ct_ratio * self.pt_ratio * self.multiplier
    }

    /// The factor from a register difference to kWh, for energy meters.
    pub fn kwh_per_register_unit(&self) -> Option<f64> {
        if !self.kind.is_energy() {
            return None;
        }
        self.kwh_per_unit.map(|kwh_per_unit| kwh_per_unit * self.register_factor())
    }
}

/// A grid emission factor with its source, as recorded for the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridFactor {
    /// t CO2e per MWh (= kg per kWh).
    pub t_co2e_per_mwh: f64,
    /// Where the figure comes from (publication, year), as stated by the site.
    pub source: String,
    /// The id of the factor in the bundled library, when it is one of them.
    pub factor_id: Option<String>,
}

/// An electricity price with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tariff {
    /// ¥ per kWh.
    pub cny_per_kwh: f64,
    /// Where the price comes from.
    pub source: String,
}
