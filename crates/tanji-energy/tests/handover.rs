//! The handover of measured energy to the footprint and the inventory: golden cases worked by hand, and properties
//! that tie it to the analysis (the same days, the same kWh).

use std::collections::HashMap;

use jiff::civil::{Date, date};
use proptest::prelude::*;
use tanji_energy::handover::{
    HandoverError, InventoryHandover, activity_rows, line_intensity, monthly_energy, product_intensity,
};
use tanji_energy::model::{Area, Equipment, GridFactor, Line, Meter, MeterKind, MeterUnit, Register, Site};
use tanji_energy::{AnalysisOptions, DayRange, ProductionRecord, RawReading, analyze};

fn meter(id: &str, line: &str, kind: MeterKind, unit: MeterUnit, register: Register) -> Meter {
    Meter {
        id: id.into(),
        line: line.into(),
        kind,
        serves: Equipment::WholeLine,
        unit,
        register,
        ct_ratio: 1.0,
        pt_ratio: 1.0,
        multiplier: 1.0,
        kwh_per_unit: unit.exact_kwh_per_unit(),
    }
}

fn line(id: &str) -> Line {
    Line {
        id: id.into(),
        name: format!("{id} name"),
        area: "A".into(),
        product_sku: "CUP".into(),
        output_unit: "cup".into(),
    }
}

/// Two lines, hourly, +08:00. L1: electricity register E1 (kWh) and gas interval meter G1 (m³, 10 kWh/m³);
/// L2: electricity interval meter E2 in MWh behind a 2:1 CT; L2 also has a water meter, never energy.
fn site() -> Site {
    let mut gas = meter("G1", "L1", MeterKind::NaturalGas, MeterUnit::CubicMetre, Register::Interval);
    gas.kwh_per_unit = Some(10.0);
    let mut e2 = meter("E2", "L2", MeterKind::Electricity, MeterUnit::MegawattHour, Register::Interval);
    e2.ct_ratio = 2.0;
    let mut water = meter("W2", "L2", MeterKind::Water, MeterUnit::CubicMetre, Register::Interval);
    water.kwh_per_unit = None;
    Site {
        name: "瑞禾".into(),
        utc_offset_seconds: 8 * 3600,
        interval_minutes: 60,
        areas: vec![Area { id: "A".into(), name: "A".into() }],
        lines: vec![line("L1"), line("L2")],
        meters: vec![
            meter(
                "E1",
                "L1",
                MeterKind::Electricity,
                MeterUnit::KilowattHour,
                Register::Cumulative { rollover_value: None },
            ),
            gas,
            e2,
            water,
        ],
        grid_factor: GridFactor { t_co2e_per_mwh: 0.5, source: "test".into(), factor_id: None },
        tariff: None,
    }
}

/// 2025-01-31T00:00+08:00.
const T0: i64 = 1_738_252_800;

/// 48 hours from 2025-01-31 00:00 local: E1 +2 kWh an hour from a register at 100, G1 0.5 m³ an hour, E2 0.001 MWh
/// an hour (×2 CT), W2 1 m³ an hour.
fn readings() -> HashMap<String, Vec<RawReading>> {
    let mut readings: HashMap<String, Vec<RawReading>> = HashMap::new();
    readings.entry("E1".into()).or_default().push(RawReading { time_s: T0, value: 100.0, row: 2 });
    for hour in 1..=48_i64 {
        let time_s = T0 + hour * 3600;
        let row = hour as usize + 2;
        readings.entry("E1".into()).or_default().push(RawReading { time_s, value: 100.0 + 2.0 * hour as f64, row });
        readings.entry("G1".into()).or_default().push(RawReading { time_s, value: 0.5, row });
        readings.entry("E2".into()).or_default().push(RawReading { time_s, value: 0.001, row });
        readings.entry("W2".into()).or_default().push(RawReading { time_s, value: 1.0, row });
    }
    readings
}

fn produced(line: &str, day: Date, units: f64) -> ProductionRecord {
    ProductionRecord { line: line.into(), sku: "CUP".into(), day, units, row: 0 }
}

fn production() -> Vec<ProductionRecord> {
    vec![
        produced("L1", date(2025, 1, 31), 1000.0),
        produced("L1", date(2025, 2, 1), 2000.0),
        // A day without energy data: its output does not count.
        produced("L1", date(2025, 2, 2), 500.0),
        produced("L2", date(2025, 1, 31), 1000.0),
        produced("L2", date(2025, 2, 1), 1000.0),
    ]
}

fn close(left: f64, right: f64) -> bool {
    (left - right).abs() <= 1e-9 * right.abs().max(1.0)
}

#[test]
fn a_lines_kwh_per_unit_by_hand() {
    let period = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 2) };
    let intensity = line_intensity(&site(), &readings(), &production(), "L1", period).expect("intensity");
    // Electricity 2 kWh × 48 h = 96 kWh; gas 0.5 m³ × 48 h = 24 m³ × 10 kWh/m³ = 240 kWh. Output on the two metered
    // days: 3000 cups (not the 500 of 2 February, which has no energy data).
    assert_eq!(intensity.n_days_with_data, 2);
    assert!(close(intensity.production_units, 3000.0));
    assert!(close(intensity.energy_kwh, 96.0 + 240.0), "{}", intensity.energy_kwh);
    assert!(close(intensity.kwh_per_unit, 336.0 / 3000.0));
    assert!(close(intensity.kwh_per_unit_of(MeterKind::Electricity), 96.0 / 3000.0));
    assert!(close(intensity.kwh_per_unit_of(MeterKind::NaturalGas), 240.0 / 3000.0));
    let gas = intensity.carriers.iter().find(|carrier| carrier.carrier.kind == MeterKind::NaturalGas).expect("gas");
    assert_eq!(gas.carrier.unit, MeterUnit::CubicMetre);
    assert!(close(gas.carrier.quantity, 24.0));
    assert!(close(gas.quantity_per_unit, 24.0 / 3000.0));
    // The meters as evidence: the register's first reading (at 00:00 on 31 January) closes an interval of 30
    // January, so 48 readings fall in the period for each meter, and 48 intervals, none estimated.
    let evidence: Vec<(&str, usize, usize, usize)> = intensity
        .meters
        .iter()
        .map(|meter| (meter.meter.as_str(), meter.n_readings, meter.n_intervals, meter.n_estimated))
        .collect();
    assert_eq!(evidence, vec![("E1", 48, 48, 0), ("G1", 48, 48, 0)]);
    assert_eq!(intensity.n_readings(), 96);
    assert_eq!(intensity.estimated_share, 0.0);
    assert_eq!(
        (intensity.line.as_str(), intensity.site.as_str(), intensity.output_unit.as_str()),
        ("L1", "瑞禾", "cup")
    );

    // One day: 48 + 120 kWh over 1000 cups.
    let one_day = DayRange { first: date(2025, 1, 31), last: date(2025, 1, 31) };
    let intensity = line_intensity(&site(), &readings(), &production(), "L1", one_day).expect("intensity");
    assert!(close(intensity.kwh_per_unit, 168.0 / 1000.0));

    // L2: 0.001 MWh × 2 (CT) = 2 kWh an hour, 96 kWh over 2000 cups; the water meter is not energy.
    let period = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 1) };
    let intensity = line_intensity(&site(), &readings(), &production(), "L2", period).expect("intensity");
    assert!(close(intensity.kwh_per_unit, 96.0 / 2000.0));
    assert_eq!(intensity.meters.len(), 1);
}

#[test]
fn a_products_kwh_per_unit_weighs_every_line_by_its_output_by_hand() {
    let period = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 1) };
    let product = product_intensity(&site(), &readings(), &production(), "CUP", period).expect("intensity");
    // L1: 96 kWh electricity + 240 kWh gas over 3000 cups; L2: 96 kWh electricity over 2000 cups.
    // The product: (96 + 240 + 96) kWh / 5000 cups = 0.0864 kWh/cup; electricity (96 + 96) / 5000 = 0.0384, which
    // is the output-weighted mean of the lines' 0.032 (share 0.6) and 0.048 (share 0.4), not L1's 0.032 alone.
    assert!(close(product.production_units, 5000.0));
    assert!(close(product.energy_kwh, 432.0), "{}", product.energy_kwh);
    assert!(close(product.kwh_per_unit, 432.0 / 5000.0));
    assert!(close(product.kwh_per_unit_of(MeterKind::Electricity), 0.0384));
    assert!(close(product.kwh_per_unit_of(MeterKind::NaturalGas), 240.0 / 5000.0));
    let lines: Vec<(&str, f64, f64, f64)> = product
        .lines
        .iter()
        .map(|share| {
            (
                share.intensity.line.as_str(),
                share.output_share,
                share.intensity.kwh_per_unit_of(MeterKind::Electricity),
                share.allocated_share,
            )
        })
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0].0, lines[1].0), ("L1", "L2"));
    assert!(close(lines[0].1, 0.6) && close(lines[1].1, 0.4), "{lines:?}");
    assert!(close(lines[0].2, 0.032) && close(lines[1].2, 0.048), "{lines:?}");
    assert!(close(lines[0].3, 1.0) && close(lines[1].3, 1.0), "{lines:?}");
    let weighted: f64 = lines.iter().map(|line| line.1 * line.2).sum();
    assert!(close(weighted, product.kwh_per_unit_of(MeterKind::Electricity)));
    let electricity = product.carriers.iter().filter(|carrier| carrier.carrier.kind == MeterKind::Electricity);
    let meters: Vec<&str> = electricity.flat_map(|carrier| carrier.carrier.meters.iter().map(String::as_str)).collect();
    assert_eq!(meters, vec!["E1", "E2"]);
    assert!(product.unmetered_lines.is_empty());
    assert_eq!(product.estimated_share, 0.0);

    // L2 also made 1000 lids on 1 February: a third of its output, so a third of its 96 kWh goes to the lids and
    // the cups take (96 + 64) / 5000 = 0.032 kWh/cup of electricity.
    let mut with_lids = production();
    with_lids.push(ProductionRecord {
        line: "L2".into(),
        sku: "LID".into(),
        day: date(2025, 2, 1),
        units: 1000.0,
        row: 0,
    });
    let product = product_intensity(&site(), &readings(), &with_lids, "CUP", period).expect("intensity");
    assert!(close(product.kwh_per_unit_of(MeterKind::Electricity), 160.0 / 5000.0));
    assert!(close(product.lines[1].allocated_share, 2.0 / 3.0));
    assert!(close(product.lines[1].intensity.energy_kwh, 64.0));
    let lids = product_intensity(&site(), &readings(), &with_lids, "LID", period).expect("intensity");
    assert!(close(lids.energy_kwh, 32.0) && close(lids.production_units, 1000.0));
    assert_eq!(lids.lines.len(), 1);

    // On 2 February only L1 made cups, and no meter has data that day: no figure, and the line is named.
    let unmetered = DayRange { first: date(2025, 2, 2), last: date(2025, 2, 2) };
    assert_eq!(
        product_intensity(&site(), &readings(), &production(), "CUP", unmetered).unwrap_err(),
        HandoverError::NoMeteredOutput {
            sku: "CUP".into(),
            first: date(2025, 2, 2),
            last: date(2025, 2, 2),
            unmetered_lines: "L1".into()
        }
    );
    // Over 31 January – 2 February the 500 cups of 2 February are not in the figure (no energy was metered then).
    let three_days = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 2) };
    let product = product_intensity(&site(), &readings(), &production(), "CUP", three_days).expect("intensity");
    assert!(close(product.production_units, 5000.0));
    assert!(matches!(
        product_intensity(&site(), &readings(), &production(), "PLATE", period),
        Err(HandoverError::NoMeteredOutput { .. })
    ));
}

#[test]
fn a_gap_in_the_register_is_estimated_and_its_share_reported() {
    let mut readings = readings();
    // Drop six hourly register readings of E1 on 1 February: the difference across the 7-hour gap is spread over its
    // 7 intervals, all estimated; the kWh stay the same (the register still counts every kWh).
    readings.get_mut("E1").unwrap().retain(|reading| !(30..36).contains(&((reading.time_s - T0) / 3600)));
    let period = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 1) };
    let intensity = line_intensity(&site(), &readings, &production(), "L1", period).expect("intensity");
    assert!(close(intensity.energy_kwh, 336.0));
    let e1 = &intensity.meters[0];
    assert_eq!((e1.n_readings, e1.n_intervals, e1.n_estimated), (42, 48, 7));
    assert!(close(intensity.estimated_share, 7.0 / 96.0));
}

#[test]
fn no_figure_without_a_line_data_or_output() {
    let period = DayRange { first: date(2025, 1, 31), last: date(2025, 2, 1) };
    let error = line_intensity(&site(), &readings(), &production(), "L9", period).unwrap_err();
    assert_eq!(error, HandoverError::UnknownLine { line: "L9".into(), known: "L1, L2".into() });
    let later = DayRange { first: date(2025, 3, 1), last: date(2025, 3, 31) };
    assert!(matches!(
        line_intensity(&site(), &readings(), &production(), "L1", later),
        Err(HandoverError::NoEnergyData { .. })
    ));
    assert!(matches!(line_intensity(&site(), &readings(), &[], "L1", period), Err(HandoverError::NoOutput { .. })));
    let backwards = DayRange { first: date(2025, 2, 1), last: date(2025, 1, 31) };
    assert!(matches!(
        line_intensity(&site(), &readings(), &production(), "L1", backwards),
        Err(HandoverError::EmptyPeriod { .. })
    ));
}

#[test]
fn a_sites_months_and_their_inventory_rows_by_hand() {
    let months = monthly_energy(&site(), &readings());
    assert_eq!(months.iter().map(|month| month.month.as_str()).collect::<Vec<_>>(), vec!["2025-01", "2025-02"]);
    let january = &months[0];
    assert_eq!(
        (january.first_day, january.last_day, january.n_days_with_data),
        (date(2025, 1, 1), date(2025, 1, 31), 1)
    );
    // E1 48 kWh, E2 0.048 MWh (= 48 kWh), G1 12 m³ (120 kWh); W2 (water) is not energy.
    let carriers: Vec<(MeterKind, MeterUnit, f64)> =
        january.carriers.iter().map(|carrier| (carrier.kind, carrier.unit, carrier.quantity)).collect();
    assert_eq!(carriers.len(), 3);
    assert!(carriers.iter().any(|(kind, unit, quantity)| *kind == MeterKind::Electricity
        && *unit == MeterUnit::KilowattHour
        && close(*quantity, 48.0)));
    assert!(carriers.iter().any(|(kind, unit, quantity)| *kind == MeterKind::Electricity
        && *unit == MeterUnit::MegawattHour
        && close(*quantity, 0.048)));
    assert!(carriers.iter().any(|(kind, _, quantity)| *kind == MeterKind::NaturalGas && close(*quantity, 12.0)));
    assert!(january.meters.iter().all(|meter| meter.meter != "W2"));

    let handover = InventoryHandover {
        facility: "RH-HY".into(),
        emission_point: "纸杯车间计量表".into(),
        electricity_factor: "mee-nbs-2022-grid-cn-grid-east".into(),
        natural_gas_parameters: Some("ipcc-2006-ncv-cc-natural-gas".into()),
        steam_factor: None,
    };
    let (rows, left_out) = activity_rows(&months, &handover);
    assert!(left_out.is_empty());
    assert_eq!(rows.len(), 4, "{rows:#?}");
    let electricity = rows.iter().find(|row| row.id == "meter:RH-HY:electricity:kWh:2025-01").expect("electricity row");
    // One electricity row a month: 48 kWh + 0.048 MWh = 96 kWh, both meters as evidence.
    assert_eq!(electricity.quantity, "96");
    assert_eq!((electricity.unit.as_str(), electricity.period.as_str()), ("kWh", "2025-01"));
    assert_eq!((electricity.source.as_str(), electricity.method.as_str()), ("purchased_electricity", "electricity"));
    assert_eq!(electricity.data_source, "meter");
    assert_eq!(electricity.evidence, "E1; E2");
    // E1's first reading (00:00 on 31 January) closes an interval of 30 January: 25 + 24 readings in January.
    // Stored as a code with parameters; `tanji_i18n::energy::activity_notes` words it in the reader's language.
    assert_eq!(electricity.notes, "tanji:metered readings=49 intervals=48 estimated=0 days=1/31");
    // One day of 31 metered: completeness is rated 3, not 1.
    assert_eq!(electricity.quality, "1,1,1,1,3");
    let gas = rows.iter().find(|row| row.id == "meter:RH-HY:natural_gas:m3:2025-02").expect("gas row");
    assert_eq!((gas.quantity.as_str(), gas.unit.as_str(), gas.method.as_str()), ("12", "m3", "fuel_combustion"));
    // 10 kWh/m³ × 0.0036 GJ/kWh = 0.036 GJ/m³, the meter's stated energy content as the measured NCV.
    assert!(close(gas.ncv.parse::<f64>().unwrap(), 0.036));
    assert_eq!(gas.ncv_unit, "GJ/m3");
    // The rows are inventory rows: each reads as an activity record (units, source, method, period all parse).
    for (row_idx, row) in rows.iter().enumerate() {
        let record = row.clone().into_record("metered", row_idx + 2).expect("a valid activity row");
        assert_eq!(record.data_source, tanji_inventory::DataSourceKind::Meter);
    }

    // Without gas parameters the gas months are named, not dropped silently.
    let (rows, left_out) = activity_rows(&months, &InventoryHandover { natural_gas_parameters: None, ..handover });
    assert_eq!(rows.len(), 2);
    assert_eq!(
        left_out,
        vec![("2025-01".to_owned(), MeterKind::NaturalGas), ("2025-02".to_owned(), MeterKind::NaturalGas)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Hourly electricity registers of two lines over up to 70 days with random increments, random gaps and random
    /// output: the months' kWh add up to the analysis' daily kWh, and kWh/unit × units = kWh for any period.
    #[test]
    fn months_add_up_to_days_and_intensity_times_units_is_energy(
        increments in proptest::collection::vec(0.0_f64..50.0, 24 * 70),
        gaps in proptest::collection::vec(0_usize..(24 * 70), 0..20),
        units in proptest::collection::vec(1.0_f64..5000.0, 70),
        first_day in 0_i64..70,
        length in 0_i64..70,
    ) {
        let mut site = site();
        site.meters = vec![
            meter("E1", "L1", MeterKind::Electricity, MeterUnit::KilowattHour, Register::Cumulative { rollover_value: None }),
            meter("E2", "L2", MeterKind::Electricity, MeterUnit::KilowattHour, Register::Interval),
        ];
        let start = date(2025, 1, 31);
        let mut readings: HashMap<String, Vec<RawReading>> = HashMap::new();
        let mut register = 0.0;
        readings.entry("E1".into()).or_default().push(RawReading { time_s: T0, value: 0.0, row: 1 });
        for (hour_idx, increment) in increments.iter().enumerate() {
            register += increment;
            if gaps.contains(&hour_idx) && hour_idx + 1 < increments.len() {
                continue;
            }
            let time_s = T0 + (hour_idx as i64 + 1) * 3600;
            readings.entry("E1".into()).or_default().push(RawReading { time_s, value: register, row: hour_idx + 2 });
            readings.entry("E2".into()).or_default().push(RawReading { time_s, value: *increment, row: hour_idx + 2 });
        }
        let production: Vec<ProductionRecord> = units
            .iter()
            .enumerate()
            .flat_map(|(day_idx, units)| {
                let day = start.checked_add(jiff::Span::new().days(day_idx as i64)).unwrap();
                [produced("L1", day, *units), produced("L2", day, units / 2.0)]
            })
            .collect();
        let analysis = analyze(&site, &readings, &production, &AnalysisOptions::default());
        let daily_kwh: f64 = analysis.lines.iter().flat_map(|line| &line.daily).map(|point| point.energy_kwh).sum();
        let months = monthly_energy(&site, &readings);
        let monthly_kwh: f64 =
            months.iter().flat_map(|month| &month.carriers).filter_map(|carrier| carrier.energy_kwh).sum();
        prop_assert!(close(monthly_kwh, daily_kwh), "months {monthly_kwh} vs days {daily_kwh}");

        let first = start.checked_add(jiff::Span::new().days(first_day)).unwrap();
        let last = first.checked_add(jiff::Span::new().days(length)).unwrap();
        let period = DayRange { first, last };
        for line_id in ["L1", "L2"] {
            let intensity = line_intensity(&site, &readings, &production, line_id, period).unwrap();
            prop_assert!(close(intensity.kwh_per_unit * intensity.production_units, intensity.energy_kwh));
            // The same figure as the analysis' days in the period.
            let line = analysis.lines.iter().find(|line| line.line == line_id).unwrap();
            let (kwh, output) = line
                .daily
                .iter()
                .filter(|point| period.contains(point.day))
                .fold((0.0, 0.0), |sum, point| (sum.0 + point.energy_kwh, sum.1 + point.production_units));
            prop_assert!(close(intensity.energy_kwh, kwh), "{} vs {kwh}", intensity.energy_kwh);
            prop_assert!(close(intensity.production_units, output));
        }
    }
}
