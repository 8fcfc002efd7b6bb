//! Seeded, illustrative meter, production and weather data: the 瑞禾 factory's two paper-cup lines of SPEC.md §1
//! step 3, where line 2's heater runs hotter than the cups need. Nothing here is measured data; the numbers are chosen
//! so that the story's figures (a gap of about 30 % in energy per cup, about 300,000 kWh a year at line 1's SEC) come
//! out of the analysis, and the generator says so in every file it writes.
//!
//! The model of each line, per running hour: drive 2 kW idle + 0.004 kWh/cup, heater 1 kW idle + 0.005 kWh/cup
//! (line 2: 1.3 kW idle + 0.008 kWh/cup: the hot heater), compressed air 1 kW idle + 0.001 kWh/cup, at about 25,000
//! cups an hour. What makes it look like a real plant rather than a formula:
//! - **Shifts and calendar**: two shifts (06:00–22:00) Monday to Friday, one (06:00–14:00) on Saturday, nothing on
//!   Sunday; the public holidays of 2025 and 2026 (State Council notices; the swapped working weekends are left
//!   out) are days off, and the factory shuts down around the Spring Festival from three days before the holiday to
//!   five days after it, with the heaters and drives switched off (only 0.5 kW of standby per meter).
//! - **Output**: each line-day runs at its own rate (±8 %), each hour ±5 % more, and 5 % of running hours are lost
//!   to stoppages.
//! - **Efficiency drifts**: each line's energy per cup wanders from day to day (an AR(1) process, ρ = 0.6, ±5 %
//!   innovations: material, ambient humidity, operators), so the residuals of a daily baseline are autocorrelated as
//!   real ones are; the meters add ±2 % per interval.
//! - **Weather**: an illustrative daily mean temperature with 黄岩's seasonal cycle (about 7 °C in late January,
//!   29 °C in late July) and day-to-day weather (AR(1), ρ = 0.75). A cold workshop costs the heaters 1.2 kW per
//!   heating degree-day (18 °C base) while running; heat costs the compressors 0.6 kW per cooling degree-day.
//! - **Faults** cleaning must catch (with `faults`): missing readings (three hours, and a whole day of line 1's
//!   heater meter), a repeated row, a replaced meter (register reset), one bad high reading, and a stuck register
//!   that catches up; the register rollover and the CT-ratio meter are always there (they are not faults).

use std::fmt::Write as _;

use jiff::ToSpan as _;
use jiff::civil::Date;

/// SplitMix64 (Steele, Lea & Flood 2014): a small, well-known generator; enough for illustrative data and the same
/// on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [−spread, spread].
    pub fn symmetric(&mut self, spread: f64) -> f64 {
        (self.next_f64() * 2.0 - 1.0) * spread
    }
}

/// The files of the example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFiles {
    /// `site.toml`.
    pub site_toml: String,
    /// `readings.csv` (wide layout, cumulative registers).
    pub readings_csv: String,
    /// `production.csv` (daily counts).
    pub production_csv: String,
    /// `weather.csv` (daily mean temperature, illustrative).
    pub weather_csv: String,
}

/// Per-hour idle kW and kWh per cup of each meter: drive, heater, compressed air.
struct LineProfile {
    idle_kw: [f64; 3],
    kwh_per_cup: [f64; 3],
}

const LINE_1: LineProfile = LineProfile { idle_kw: [2.0, 1.0, 1.0], kwh_per_cup: [0.004, 0.005, 0.001] };
const LINE_2_HOT_HEATER: LineProfile = LineProfile { idle_kw: [2.0, 1.3, 1.0], kwh_per_cup: [0.004, 0.008, 0.001] };
const CUPS_PER_RUNNING_HOUR: f64 = 25_000.0;
/// Extra heater kW per heating degree-day while a line runs, and extra compressor kW per cooling degree-day.
const HEATER_KW_PER_HEATING_DEGREE: f64 = 1.2;
const AIR_KW_PER_COOLING_DEGREE: f64 = 0.6;
/// Standby kW per meter during the Spring Festival shutdown.
const SHUTDOWN_STANDBY_KW: f64 = 0.5;

/// Public holidays of 2025 and 2026 (国务院办公厅 notices on the holiday arrangements), first and last day; the
/// Spring Festival comes first in each year. Swapped working weekends (调休) are not modelled.
/// A civil day as (year, month, day).
type CivilDay = (i16, i8, i8);

const HOLIDAYS: [(CivilDay, CivilDay); 13] = [
    ((2025, 1, 28), (2025, 2, 4)),
    ((2025, 1, 1), (2025, 1, 1)),
    ((2025, 4, 4), (2025, 4, 6)),
    ((2025, 5, 1), (2025, 5, 5)),
    ((2025, 5, 31), (2025, 6, 2)),
    ((2025, 10, 1), (2025, 10, 8)),
    ((2026, 2, 15), (2026, 2, 23)),
    ((2026, 1, 1), (2026, 1, 3)),
    ((2026, 4, 4), (2026, 4, 6)),
    ((2026, 5, 1), (2026, 5, 5)),
    ((2026, 6, 19), (2026, 6, 21)),
    ((2026, 9, 25), (2026, 9, 27)),
    ((2026, 10, 1), (2026, 10, 7)),
];

/// How the factory runs on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Two shifts, 06:00–22:00.
    TwoShifts,
    /// One shift, 06:00–14:00 (Saturdays).
    OneShift,
    /// No production; the lines stand by.
    DayOff,
    /// The Spring Festival shutdown: no production, heaters and drives off.
    Shutdown,
}

/// The factory's calendar (see the module documentation).
pub fn day_kind(day: Date) -> DayKind {
    let of = |(year, month, day): CivilDay| jiff::civil::date(year, month, day);
    for (holiday_idx, (first, last)) in HOLIDAYS.iter().enumerate() {
        let (first, last) = (of(*first), of(*last));
        let spring_festival = holiday_idx == 0 || holiday_idx == 6;
        if spring_festival {
            let shutdown_first = first.checked_sub(3.days()).unwrap_or(first);
            let shutdown_last = last.checked_add(5.days()).unwrap_or(last);
            if (shutdown_first..=shutdown_last).contains(&day) {
                return DayKind::Shutdown;
            }
        } else if (first..=last).contains(&day) {
            return DayKind::DayOff;
        }
    }
    match day.weekday() {
        jiff::civil::Weekday::Sunday => DayKind::DayOff,
        jiff::civil::Weekday::Saturday => DayKind::OneShift,
        _ => DayKind::TwoShifts,
    }
}

/// The illustrative daily mean temperature series, °C: 黄岩's seasonal cycle (17.8 °C mean, 10.8 °C amplitude,
/// coldest around 20 January) plus day-to-day weather, AR(1) with ρ = 0.75.
fn temperatures(random: &mut SplitMix64, first_day: Date, days: u32) -> Vec<f64> {
    let mut anomaly = 0.0;
    (0..days)
        .map(|day_idx| {
            let day = first_day.checked_add(i64::from(day_idx).days()).unwrap_or(first_day);
            let phase = 2.0 * std::f64::consts::PI * (f64::from(day.day_of_year()) - 20.0) / 365.0;
            // The sum of three uniforms is close enough to a normal innovation for illustrative weather.
            anomaly = 0.75 * anomaly + random.symmetric(1.6) + random.symmetric(1.6) + random.symmetric(1.6);
            ((17.8 - 10.8 * phase.cos() + anomaly) * 10.0).round() / 10.0
        })
        .collect()
}

/// Meter ids, in the readings' column order.
pub const METER_IDS: [&str; 6] = ["L1-drive", "L1-heater", "L1-air", "L2-drive", "L2-heater", "L2-air"];

/// The example for `days` days from `first_day`, hourly, seeded, with the faults cleaning must handle.
pub fn ruihe_paper_cups(seed: u64, first_day: Date, days: u32) -> ExampleFiles {
    ruihe_paper_cups_example(&ExampleOptions {
        seed,
        first_day,
        days,
        interval_minutes: 60,
        heater_fixed_on: None,
        faults: true,
    })
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExampleOptions {
    /// The generator's seed.
    pub seed: u64,
    /// The first local day.
    pub first_day: Date,
    /// How many days.
    pub days: u32,
    /// The metering interval: 60 (hourly) or a divisor of 60 such as 15. Output per hour is spread evenly over the
    /// hour's intervals; each interval's metering noise is drawn on its own.
    pub interval_minutes: u32,
    /// The day from which line 2's heater runs at line 1's set-point (the measure of story step 3): from then on
    /// its heater uses line 1's heater profile and the excess disappears. The site file then states the baseline
    /// period (every day before) and the reporting period (this day to the end).
    pub heater_fixed_on: Option<Date>,
    /// Whether to put in the faults cleaning must handle (missing rows, a repeated row, a register reset, a bad high
    /// reading). The register rollover and the CT-ratio meter are always there: they are not faults.
    pub faults: bool,
}

/// Line 2's heater after the set-point was lowered: line 1's heater.
const LINE_2_FIXED: LineProfile = LineProfile { idle_kw: [2.0, 1.0, 1.0], kwh_per_cup: [0.004, 0.005, 0.001] };

/// The example with the given options (see [`ExampleOptions`]).
// The line × meter loops index three parallel tables (profiles, hourly kWh, register columns); indices read clearer
// than three zipped iterators.
#[allow(clippy::needless_range_loop)]
pub fn ruihe_paper_cups_example(options: &ExampleOptions) -> ExampleFiles {
    let ExampleOptions { seed, first_day, days, interval_minutes, heater_fixed_on, faults } = *options;
    let steps_per_hour = (60 / interval_minutes.clamp(1, 60)) as usize;
    let mut random = SplitMix64::new(seed);
    let n_hours = days as usize * 24;
    let n_steps = n_hours * steps_per_hour;
    // Register values: L1-drive counts on the secondary side of a 40:1 CT (the site file says ct_ratio = 40);
    // L2-heater starts near its 1,000,000 rollover.
    let mut registers = [12_345.6, 48_000.0, 20_500.0, 310_000.0, 600_000.0, 7_000.0];
    let register_scale = [40.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let reset_step = if faults { n_steps * 2 / 5 } else { usize::MAX }; // L1-air replaced: the new meter starts at zero.
    let mut missing_steps: Vec<usize> =
        if faults { vec![n_steps / 7, n_steps / 7 + 1, n_steps / 7 + 2, n_steps * 3 / 5] } else { Vec::new() };
    // A whole day of line 1's heater meter lost (its data logger was down): one column missing for 24 hours.
    let heater_outage = if faults {
        let start = (n_hours / 2 / 24) * 24 * steps_per_hour + 1;
        start..start + 24 * steps_per_hour
    } else {
        0..0
    };
    // L2-drive's register sticks for five hours, then shows the true count again.
    let stuck = if faults {
        let start = n_steps * 9 / 10;
        start..start + 5 * steps_per_hour
    } else {
        0..0
    };
    missing_steps.sort_unstable();
    let repeated_step = if faults { n_steps / 3 } else { usize::MAX };
    let bad_step = if faults { n_steps * 4 / 5 } else { usize::MAX };
    let temperatures = temperatures(&mut random, first_day, days);

    let mut readings = String::with_capacity(n_steps * 80);
    readings.push_str("timestamp");
    for meter in METER_IDS {
        readings.push(',');
        readings.push_str(meter);
    }
    readings.push('\n');
    let mut production = String::from("line,date,sku,units\n");
    let mut weather = String::from("date,mean_temperature_c\n");
    let mut daily_cups = [0.0_f64; 2];
    let first_stamp = first_day.to_datetime(jiff::civil::time(0, 0, 0, 0));
    let step_minutes = 60 / steps_per_hour as i64;
    let write_row =
        |readings: &mut String, step_idx: usize, values: &[f64; 6], shown: &dyn Fn(usize, f64) -> Option<f64>| {
            let stamp = first_stamp.checked_add((step_idx as i64 * step_minutes).minutes()).unwrap_or(first_stamp);
            let _ = write!(readings, "{}", stamp.strftime("%Y-%m-%d %H:%M"));
            for (meter_idx, value) in values.iter().enumerate() {
                match shown(meter_idx, *value) {
                    Some(value) => {
                        let _ = write!(readings, ",{value:.3}");
                    }
                    None => readings.push(','),
                }
            }
            readings.push('\n');
        };
    write_row(&mut readings, 0, &registers, &|_, value| Some(value));
    let mut stuck_value = 0.0;
    // Each line's energy per cup relative to its profile: an AR(1) drift from day to day.
    let mut efficiency = [0.0_f64; 2];
    let mut day_rate = [1.0_f64; 2];
    for hour_idx in 0..n_hours {
        let day_idx = hour_idx / 24;
        let day = first_day.checked_add((day_idx as i64).days()).unwrap_or(first_day);
        let hour_of_day = hour_idx % 24;
        let kind = day_kind(day);
        let temperature = temperatures[day_idx];
        let heating_degrees = (18.0 - temperature).max(0.0);
        let cooling_degrees = (temperature - 18.0).max(0.0);
        if hour_of_day == 0 {
            let _ = writeln!(weather, "{day},{temperature:.1}");
            for line_idx in 0..2 {
                efficiency[line_idx] = 0.6 * efficiency[line_idx] + random.symmetric(0.05);
                day_rate[line_idx] = 1.0 + random.symmetric(0.08);
            }
        }
        let in_shift = match kind {
            DayKind::TwoShifts => (6..22).contains(&hour_of_day),
            DayKind::OneShift => (6..14).contains(&hour_of_day),
            DayKind::DayOff | DayKind::Shutdown => false,
        };
        let line_2 =
            if heater_fixed_on.is_some_and(|fixed_on| day >= fixed_on) { LINE_2_FIXED } else { LINE_2_HOT_HEATER };
        let mut hour_kwh = [[0.0_f64; 3]; 2];
        for line_idx in 0..2 {
            let running = in_shift && random.next_f64() >= 0.05;
            let cups = if running {
                (CUPS_PER_RUNNING_HOUR * day_rate[line_idx] * (1.0 + random.symmetric(0.05))).round()
            } else {
                0.0
            };
            daily_cups[line_idx] += cups;
            let profile = if line_idx == 0 { &LINE_1 } else { &line_2 };
            for meter_idx in 0..3 {
                let idle_kw = if kind == DayKind::Shutdown { SHUTDOWN_STANDBY_KW } else { profile.idle_kw[meter_idx] };
                let weather_kw = match (running, meter_idx) {
                    (true, 1) => HEATER_KW_PER_HEATING_DEGREE * heating_degrees,
                    (true, 2) => AIR_KW_PER_COOLING_DEGREE * cooling_degrees,
                    _ => 0.0,
                };
                hour_kwh[line_idx][meter_idx] =
                    idle_kw + weather_kw + profile.kwh_per_cup[meter_idx] * cups * (1.0 + efficiency[line_idx]);
            }
        }
        for step_in_hour in 0..steps_per_hour {
            for line_idx in 0..2 {
                for meter_idx in 0..3 {
                    let kwh = hour_kwh[line_idx][meter_idx] / steps_per_hour as f64 * (1.0 + random.symmetric(0.02));
                    let column = line_idx * 3 + meter_idx;
                    registers[column] += kwh / register_scale[column];
                }
            }
            if registers[4] >= 1_000_000.0 {
                registers[4] -= 1_000_000.0;
            }
            let step_idx = hour_idx * steps_per_hour + step_in_hour;
            if step_idx + 1 == reset_step {
                registers[2] = 0.0;
            }
            if hour_of_day == 23 && step_in_hour + 1 == steps_per_hour {
                for (line_idx, cups) in daily_cups.iter_mut().enumerate() {
                    let line = if line_idx == 0 { "L1" } else { "L2" };
                    let _ = writeln!(production, "{line},{day},CUP-9OZ-PE,{cups}");
                    *cups = 0.0;
                }
            }
            if missing_steps.binary_search(&(step_idx + 1)).is_ok() {
                continue;
            }
            if stuck.start == step_idx + 1 {
                stuck_value = registers[3];
            }
            let row_idx = step_idx + 1;
            let shown = |meter_idx: usize, value: f64| -> Option<f64> {
                match meter_idx {
                    1 if heater_outage.contains(&row_idx) => None,
                    2 if row_idx == bad_step => Some(value * 1.5),
                    3 if stuck.contains(&row_idx) => Some(stuck_value),
                    _ => Some(value),
                }
            };
            write_row(&mut readings, row_idx, &registers, &shown);
            if row_idx == repeated_step {
                write_row(&mut readings, row_idx, &registers, &|_, value| Some(value));
            }
        }
    }
    ExampleFiles {
        site_toml: site_toml(first_day, days, interval_minutes, heater_fixed_on),
        readings_csv: readings,
        production_csv: production,
        weather_csv: weather,
    }
}

fn site_toml(first_day: Date, days: u32, interval_minutes: u32, heater_fixed_on: Option<Date>) -> String {
    let last_day = first_day.checked_add((i64::from(days) - 1).days()).unwrap_or(first_day);
    let analysis = match heater_fixed_on {
        None => format!("baseline_first = \"{first_day}\"\nbaseline_last = \"{last_day}\""),
        Some(fixed_on) => {
            let day_before = fixed_on.yesterday().unwrap_or(fixed_on);
            format!(
                "# Line 2's heater set-point was lowered on {fixed_on}: the baseline is every day before, the \
                 reporting period every day from then on.\nbaseline_first = \"{first_day}\"\n\
                 baseline_last = \"{day_before}\"\nreporting_first = \"{fixed_on}\"\nreporting_last = \"{last_day}\""
            )
        }
    };
    format!(
        r#"# 瑞禾纸制品厂: two paper-cup lines (SPEC.md §1 step 3). ILLUSTRATIVE DATA: generated by
# `tanji energy example` (seeded, crates/tanji-energy/src/synthetic.rs); not measurements of a real factory.

[site]
name = "瑞禾纸制品厂"
# Made-up data: reports mark it "（示意数据）" / "(illustrative)".
illustrative = true
utc_offset = "+08:00"
interval_minutes = {interval_minutes}

# Every t CO2e figure uses this factor, and says so.
[grid_factor]
t_co2e_per_mwh = 0.5306
source = "MEE & NBS 2023 national average electricity CO2 emission factor (公告2025年第47号)"
source_zh = "生态环境部、国家统计局 2023 年全国电力平均二氧化碳排放因子（公告2025年第47号）"
factor_id = "mee-nbs-2023-grid-cn-national"

# An illustrative price, not a published tariff: put your own contract price here.
[tariff]
cny_per_kwh = 0.65
source = "illustrative price, not a published tariff"
source_zh = "示意电价，非公布电价"

[data]
readings = "readings.csv"
production = "production.csv"
weather = "weather.csv"

# ILLUSTRATIVE weather: generated with 黄岩's seasonal cycle, not observations. Use your station's daily means
# (e.g. the China Meteorological Administration's or NOAA GSOD's for WMO 58665 台州) and cite them here.
[weather]
station = "Huangyan (illustrative, generated)"
station_zh = "黄岩（示意，生成数据）"
source = "tanji energy example: seeded illustrative series, not observations"
source_zh = "tanji energy example 生成的带种子示意序列，非观测数据"
heating_base_c = 18
cooling_base_c = 18

[analysis]
{analysis}
confidence = 0.9

[[areas]]
id = "forming"
name = "成型车间"

[[lines]]
id = "L1"
name = "纸杯一线"
area = "forming"
product = "CUP-9OZ-PE"
output_unit = "cup"

[[lines]]
id = "L2"
name = "纸杯二线"
area = "forming"
product = "CUP-9OZ-PE"
output_unit = "cup"

# A sub-meter may name its upstream meter, e.g. `parent = "RH-main"` under a 10 kV main incomer (docs/energy-file.md):
# only the top meters then count in the site's totals. These line meters have no meter above them in this example.
[[meters]]
id = "L1-drive"
line = "L1"
kind = "electricity"
serves = "drive"
unit = "kWh"
register = "cumulative"
ct_ratio = 40

[[meters]]
id = "L1-heater"
line = "L1"
kind = "electricity"
serves = "heater"
unit = "kWh"
register = "cumulative"

[[meters]]
id = "L1-air"
line = "L1"
kind = "electricity"
serves = "compressed_air"
unit = "kWh"
register = "cumulative"

[[meters]]
id = "L2-drive"
line = "L2"
kind = "electricity"
serves = "drive"
unit = "kWh"
register = "cumulative"

[[meters]]
id = "L2-heater"
line = "L2"
kind = "electricity"
serves = "heater"
unit = "kWh"
register = "cumulative"
rollover = 1000000

[[meters]]
id = "L2-air"
line = "L2"
kind = "electricity"
serves = "compressed_air"
unit = "kWh"
register = "cumulative"
"#
    )
}

/// The benchmark workload of issue 9: factories × lines × 3 meters (drive, heater, compressed air) of cumulative
/// registers at a fixed interval, with output per line per interval; in one line (`hot_line_idx`) the heater uses
/// 30 % more energy, the fault the analysis must find. Rows are handed to callbacks so that 21 million of them never
/// sit in memory at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactoryWorkload {
    /// Factories.
    pub n_factories: usize,
    /// Lines per factory (all making one product per factory, so they are peers).
    pub n_lines_per_factory: usize,
    /// Metering interval, minutes.
    pub interval_minutes: u32,
    /// Days of data.
    pub days: u32,
    /// Seed.
    pub seed: u64,
}

impl FactoryWorkload {
    /// Issue 9's size: 20 factories × 10 lines × 3 meters, one year at 15 minutes.
    pub fn issue_9(seed: u64) -> FactoryWorkload {
        FactoryWorkload { n_factories: 20, n_lines_per_factory: 10, interval_minutes: 15, days: 365, seed }
    }

    /// Lines in all.
    pub fn n_lines(&self) -> usize {
        self.n_factories * self.n_lines_per_factory
    }

    /// The line with the hot heater (0-based over all lines), chosen by the seed.
    pub fn hot_line_idx(&self) -> usize {
        (SplitMix64::new(self.seed ^ 0x5EED).next_u64() % self.n_lines().max(1) as u64) as usize
    }

    /// The id of a line: `F03-L07`.
    pub fn line_id(&self, line_idx: usize) -> String {
        format!("F{:02}-L{:02}", line_idx / self.n_lines_per_factory + 1, line_idx % self.n_lines_per_factory + 1)
    }

    /// Intervals per meter.
    pub fn n_intervals(&self) -> usize {
        self.days as usize * 1440 / self.interval_minutes as usize
    }

    /// Generates every reading and output count in time order per line: `reading(line_idx, meter_idx, step_idx,
    /// register)` for steps 0..=n_intervals (step 0 is the starting register) and `output(line_idx, step_idx, units)`
    /// for steps 1..=n_intervals (the interval ending at that step).
    pub fn generate(
        &self,
        mut reading: impl FnMut(usize, usize, usize, f64),
        mut output: impl FnMut(usize, usize, f64),
    ) {
        let intervals_per_hour = 60.0 / f64::from(self.interval_minutes);
        let steps_per_day = 1440 / self.interval_minutes as usize;
        let hot_line_idx = self.hot_line_idx();
        for line_idx in 0..self.n_lines() {
            let mut random = SplitMix64::new(self.seed.wrapping_mul(0x9E37_79B9).wrapping_add(line_idx as u64));
            let mut registers = [1000.0 + line_idx as f64, 2000.0, 3000.0];
            let mut profile = LINE_1.kwh_per_cup;
            let mut idle = LINE_1.idle_kw;
            if line_idx == hot_line_idx {
                profile[1] *= 1.3;
                idle[1] *= 1.3;
            }
            for (meter_idx, register) in registers.iter().enumerate() {
                reading(line_idx, meter_idx, 0, *register);
            }
            for step_idx in 1..=self.n_intervals() {
                let start_of_interval = step_idx - 1;
                let day_idx = start_of_interval / steps_per_day;
                let hour = (start_of_interval % steps_per_day) as f64 / intervals_per_hour;
                // 2025-01-01 is a Wednesday: day 4 is the first Sunday.
                let working_day = day_idx % 7 != 4;
                let running = working_day && (6.0..22.0).contains(&hour) && random.next_f64() >= 0.03;
                let units = if running {
                    (CUPS_PER_RUNNING_HOUR / intervals_per_hour * (1.0 + random.symmetric(0.05))).round()
                } else {
                    0.0
                };
                output(line_idx, step_idx, units);
                for meter_idx in 0..3 {
                    let kwh = (idle[meter_idx] / intervals_per_hour + profile[meter_idx] * units)
                        * (1.0 + random.symmetric(0.02));
                    registers[meter_idx] += kwh;
                    reading(line_idx, meter_idx, step_idx, registers[meter_idx]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let first = ruihe_paper_cups(7, jiff::civil::date(2025, 1, 1), 14);
        assert_eq!(first, ruihe_paper_cups(7, jiff::civil::date(2025, 1, 1), 14));
        assert_ne!(first.readings_csv, ruihe_paper_cups(8, jiff::civil::date(2025, 1, 1), 14).readings_csv);
        assert_eq!(first.production_csv.lines().count(), 1 + 14 * 2);
    }

    #[test]
    fn the_workload_has_the_issues_row_counts() {
        let workload =
            FactoryWorkload { n_factories: 2, n_lines_per_factory: 3, interval_minutes: 60, days: 2, seed: 1 };
        let (mut n_readings, mut n_outputs) = (0, 0);
        workload.generate(|_, _, _, _| n_readings += 1, |_, _, _| n_outputs += 1);
        assert_eq!(n_readings, 6 * 3 * (48 + 1));
        assert_eq!(n_outputs, 6 * 48);
        let issue = FactoryWorkload::issue_9(42);
        assert_eq!(issue.n_lines() * 3 * issue.n_intervals(), 21_024_000);
    }
}
