//! A seeded activity CSV with a realistic mix of rows, shared by the engine's streaming tests and the command line's
//! test that `tanji inventory compute` writes the recorded report byte for byte (`crates/tanji-cli/tests/inventory_cli.rs`
//! includes this file by path).

#![allow(dead_code)]

use std::collections::BTreeMap;

use tanji_inventory::ACTIVITY_COLUMNS;

/// Facilities `f0` … `f39` named by the generated rows (and `f-unknown`, outside every boundary).
pub const N_FACILITIES: usize = 40;

/// splitmix64: a seeded generator, so the file is the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A quantity around `scale`, written with three decimals as a meter reading would be.
    fn quantity(&mut self, scale: f64) -> String {
        let fraction = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        format!("{:.3}", scale * (0.5 + fraction))
    }
}

/// A realistic mix of a manufacturer's activity data: electricity in three units (some with certificates, some with
/// a market factor), coal with measured parameters, natural gas and diesel with defaults, refrigerants by three
/// approaches, freight, renewables and exports; months, quarters, periods across the year end and rows of the
/// previous year; competing data sources; and a few rows that cannot be calculated (a factor with a typo, a facility
/// outside the boundary), so that completeness and diagnostics are exercised too.
pub fn generated_csv(n_rows: usize, seed: u64) -> String {
    let mut random = Random(seed);
    let mut out = ACTIVITY_COLUMNS.join(",");
    out.push('\n');
    for row_idx in 0..n_rows {
        let mut cells: BTreeMap<&str, String> = BTreeMap::new();
        cells.insert("id", format!("r{row_idx}"));
        // One row in a thousand names a facility outside the boundary.
        let facility = if random.below(1000) == 0 {
            "f-unknown".to_owned()
        } else {
            format!("f{}", random.below(N_FACILITIES as u64))
        };
        cells.insert("facility", facility);
        let month = random.below(12) + 1;
        match random.below(40) {
            0 => {
                cells.insert("period_start", "2024-12-16".into());
                cells.insert("period_end", "2025-01-15".into());
            }
            1 => {
                cells.insert("period", "2025".into());
            }
            2 => {
                cells.insert("period", format!("2024-{month:02}"));
            }
            3 => {
                cells.insert("period_start", format!("2025-{month:02}-01"));
                cells.insert("period_end", format!("2025-{month:02}-10"));
            }
            _ => {
                cells.insert("period", format!("2025-{month:02}"));
            }
        }
        let point = random.below(400);
        cells.insert("emission_point", format!("p{point}"));
        cells.insert(
            "data_source",
            ["meter", "finance", "estimate", "production_monthly_report"][random.below(4) as usize].into(),
        );
        if random.below(5) != 0 {
            cells.insert("uncertainty_percent", format!("{}", 2 + random.below(9)));
        }
        match random.below(16) {
            0..=2 => {
                cells.insert("source", "purchased_electricity".into());
                cells.insert("unit", "kWh".into());
                cells.insert("quantity", random.quantity(300_000.0));
                let factor = if random.below(2000) == 0 {
                    "mee-nbs-2022-grid-cn-grid-eest"
                } else {
                    "mee-nbs-2022-grid-cn-grid-east"
                };
                cells.insert("factor", factor.into());
                if random.below(4) == 0 {
                    cells.insert("covered_by_instruments", random.quantity(50_000.0));
                }
            }
            3 => {
                cells.insert("source", "purchased_electricity".into());
                cells.insert("unit", "万kWh".into());
                cells.insert("quantity", random.quantity(30.0));
                cells.insert("factor", "mee-nbs-2021-grid-cn-national".into());
                cells.insert("market_factor", "mee-nbs-2022-grid-cn-grid-east".into());
            }
            4 => {
                cells.insert("source", "purchased_electricity".into());
                cells.insert("unit", "MWh".into());
                cells.insert("quantity", random.quantity(300.0));
                cells.insert("factor", "mee-nbs-2022-grid-cn-grid-east".into());
            }
            5 | 6 => {
                cells.insert("source", "stationary_combustion".into());
                cells.insert("unit", "t".into());
                cells.insert("quantity", random.quantity(400.0));
                cells.insert("method", "fuel_combustion".into());
                cells.insert("ncv", random.quantity(21.0));
                cells.insert("ncv_unit", "GJ/t".into());
                cells.insert("carbon_content", "0.0262".into());
                cells.insert("oxidation", "0.93".into());
            }
            7 => {
                cells.insert("source", "stationary_combustion".into());
                cells.insert("unit", "10^4Nm3".into());
                cells.insert("quantity", random.quantity(2.0));
                cells.insert("ncv", "389".into());
                cells.insert("ncv_unit", "GJ/10^4Nm3".into());
                cells.insert("fuel_parameters", "ipcc-2006-ncv-cc-natural-gas".into());
            }
            8 => {
                cells.insert("source", "stationary_combustion".into());
                cells.insert("unit", "t".into());
                cells.insert("quantity", random.quantity(10.0));
                cells.insert("fuel_parameters", "ipcc-2006-ncv-cc-wood".into());
                cells.insert("biomass", "yes".into());
            }
            9 => {
                cells.insert("source", "mobile_combustion".into());
                cells.insert("unit", ["L", "m3"][random.below(2) as usize].into());
                let scale = if cells["unit"] == "L" { 3000.0 } else { 3.0 };
                cells.insert("quantity", random.quantity(scale));
                cells.insert("factor", "desnz-2024-diesel-average-biofuel-blend-l".into());
            }
            10 => {
                cells.insert("source", "fugitive".into());
                cells.insert("unit", "kg".into());
                cells.insert("quantity", random.quantity(5.0));
                cells.insert("refrigerant", ["R-410A", "R-134a", "R-404A", "R-32"][random.below(4) as usize].into());
            }
            11 => {
                cells.insert("source", "fugitive".into());
                cells.insert("unit", "kg".into());
                cells.insert("refrigerant", "R-407C".into());
                cells.insert("refrigerant_approach", "mass_balance".into());
                cells.insert("inventory_decrease_kg", random.quantity(3.0));
                cells.insert("purchased_kg", random.quantity(10.0));
            }
            12 => {
                cells.insert("source", "fugitive".into());
                cells.insert("unit", "kg".into());
                cells.insert("quantity", random.quantity(40.0));
                cells.insert("refrigerant", "R-410A".into());
                cells.insert("refrigerant_approach", "screening".into());
                cells.insert("leak_rate_percent", "10".into());
            }
            13 => {
                cells.insert("source", "scope3_4".into());
                cells.insert("unit", "short_ton_mile".into());
                cells.insert("quantity", random.quantity(100_000.0));
                cells.insert("factor", "epa-hub-2025-t8-medium-and-heavy-duty-truck-short-ton-mile".into());
            }
            14 => {
                cells.insert("source", "on_site_renewable".into());
                cells.insert("unit", "kWh".into());
                cells.insert("quantity", random.quantity(80_000.0));
            }
            _ => {
                cells.insert("source", "exported_electricity".into());
                cells.insert("unit", "kWh".into());
                cells.insert("quantity", random.quantity(10_000.0));
                cells.insert("factor", "mee-nbs-2022-grid-cn-grid-east".into());
            }
        }
        let line: Vec<&str> =
            ACTIVITY_COLUMNS.iter().map(|column| cells.get(column).map(String::as_str).unwrap_or("")).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The generated file with one data source on every row and every emission point the same, so that records of the
/// same activity and month compete without superseding each other (possible double counts).
pub fn with_one_data_source(csv: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).expect("writing to memory");
    for row in reader.records() {
        let row = row.expect("a row");
        let cells = headers.iter().zip(&row).map(|(column, cell)| match column {
            "data_source" => "meter",
            "emission_point" => "p0",
            _ => cell,
        });
        writer.write_record(cells).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushed")).expect("UTF-8")
}
