//! `tanji bench energy`: the energy engine's benchmark skeleton (issue 9). Generates the factory workload (by default
//! 20 factories × 10 lines × 3 meters, one year at 15 minutes: 21.0M cumulative-register rows and 7.0M production
//! rows, one line with +30 % heater energy), writes it as CSV for other tools, then times tanji on it: load from CSV,
//! register → interval kWh (the full cleaning), daily kWh per line, monthly SEC against the median of the other lines
//! of the same factory, the last reading per meter and one line's first week by hour. Figures go to stdout and to
//! `DIR/tanji-bench-energy.json`.
//!
//! The monthly SEC of every line with its gap to the median of its factory's other lines goes to
//! `DIR/monthly_sec_gaps.csv`, for `scripts/bench-energy.sh` to compare with DuckDB's answer on the same CSV (the
//! script also times DuckDB on the same steps). `--store` adds the database steps (`bench_energy_store`): the readings
//! loaded through the store into SQLite, the dashboard questions answered from the roll-ups; `--mqtt URL` adds MQTT
//! readings per second through a real broker into the store, none lost or doubled.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::time::Instant;

use anyhow::{Context as _, anyhow};
use serde::Serialize;
use tanji_energy::cleaning::{Grid, RawReading, clean};
use tanji_energy::file::parse_timestamp;
use tanji_energy::model::Register;
use tanji_energy::stats::median_of;
use tanji_energy::synthetic::FactoryWorkload;

use tanji_i18n::bench::{BenchStep, BenchText};
use tanji_i18n::{Language, Localize as _};

use crate::inventory::emit;
use crate::options::BenchEnergyArgs;

const UTC_OFFSET_S: i32 = 8 * 3600;

#[derive(Serialize)]
struct Report {
    n_factories: usize,
    n_lines: usize,
    n_meters: usize,
    n_reading_rows: usize,
    n_production_rows: usize,
    generate_and_write_s: f64,
    load_csv_s: f64,
    register_to_interval_s: f64,
    daily_kwh_per_line_s: f64,
    monthly_sec_vs_peer_median_s: f64,
    last_reading_per_meter_s: f64,
    one_line_week_hourly_s: f64,
    hot_line_generated: String,
    hot_line_found: String,
    hot_line_gap: f64,
    n_cleaning_events: usize,
    /// The year's kWh of all lines from the cleaning (the store's roll-ups must give the same).
    total_kwh: f64,
    store: Option<crate::bench_energy_store::StoreReport>,
    mqtt: Option<crate::bench_energy_store::MqttReport>,
    peak_rss_mib: Option<f64>,
}

type FoldHashMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The meters one part of readings.csv names, in the order they first appear in it.
#[derive(Default)]
struct MetersOfPart {
    idx_of: FoldHashMap<Box<[u8]>, usize>,
    names: Vec<Box<[u8]>>,
    lines: Vec<usize>,
    readings: Vec<Vec<RawReading>>,
}

/// At most this many cells of a row are read.
const MAX_CELLS: usize = 4;

/// A cell as text, if it is UTF-8.
fn cell_text<'a>(cells: &[&'a [u8]], column: usize) -> Option<&'a str> {
    cells.get(column).and_then(|cell| std::str::from_utf8(cell).ok())
}

/// Reads a CSV file with a header in `n_parts` parts at once, one thread each, and returns each part's state and
/// number of rows in file order. The file is cut at the first row end after each 1/n of its bytes; each part starts
/// from `new_state()` and gives `read_row` each of its rows (counted from 1 in the part) with its first `n_cells`
/// cells. An error names the row in the whole file (the header is row 1).
///
/// Rows are split at commas by hand, as the csv crate's general reader was most of this step's time; a row with a
/// quote is read by the csv crate. A quoted cell holding a line break is not supported (the benchmark's generated
/// files have none).
fn read_in_parts<State, NewState, ReadRow>(
    path: &std::path::Path,
    n_parts: usize,
    n_cells: usize,
    new_state: NewState,
    read_row: ReadRow,
) -> Result<Vec<(State, usize)>, (usize, String)>
where
    State: Send,
    NewState: Fn() -> State + Sync,
    ReadRow: Fn(&mut State, usize, &[&[u8]]) -> Result<(), String> + Sync,
{
    use std::io::{BufRead as _, Read as _, Seek as _, SeekFrom};
    assert!(n_cells <= MAX_CELLS, "at most {MAX_CELLS} cells are read");
    let file_error = |error: std::io::Error| (0, format!("{}: {error}", path.display()));
    let length = std::fs::metadata(path).map_err(file_error)?.len();
    let mut cuts = vec![0_u64];
    for part_idx in 1..n_parts.max(1) {
        let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(file_error)?);
        let from = (length * part_idx as u64 / n_parts as u64).max(*cuts.last().unwrap_or(&0));
        file.seek(SeekFrom::Start(from)).map_err(file_error)?;
        let mut rest_of_row = Vec::new();
        let skipped = file.read_until(b'\n', &mut rest_of_row).map_err(file_error)?;
        cuts.push((from + skipped as u64).min(length));
    }
    cuts.push(length);
    cuts.dedup();
    let read_part = |part_idx: usize, start: u64, end: u64| -> Result<(State, usize), (usize, String)> {
        let mut file = std::fs::File::open(path).map_err(file_error)?;
        file.seek(SeekFrom::Start(start)).map_err(file_error)?;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, file.take(end - start));
        let mut state = new_state();
        let mut line = Vec::with_capacity(256);
        let mut quoted = csv::ByteRecord::new();
        if part_idx == 0 {
            reader.read_until(b'\n', &mut line).map_err(file_error)?;
        }
        let mut row = 0;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(file_error)? == 0 {
                break;
            }
            row += 1;
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if text.is_empty() {
                continue;
            }
            let mut cells: [&[u8]; MAX_CELLS] = [&[]; MAX_CELLS];
            let mut n_found = 0;
            if text.contains(&b'"') {
                let mut one_row = csv::ReaderBuilder::new().has_headers(false).from_reader(text);
                one_row.read_byte_record(&mut quoted).map_err(|error| (row, error.to_string()))?;
                n_found = quoted.len();
                for (cell, quoted_cell) in cells.iter_mut().zip(quoted.iter()) {
                    *cell = quoted_cell;
                }
            } else {
                for cell in text.split(|byte| *byte == b',') {
                    if let Some(slot) = cells.get_mut(n_found) {
                        *slot = cell;
                    }
                    n_found += 1;
                }
            }
            if n_found < n_cells {
                return Err((row, format!("{n_found} cells, expected {n_cells}")));
            }
            read_row(&mut state, row, &cells[..n_cells]).map_err(|error| (row, error))?;
        }
        Ok((state, row))
    };
    let results: Vec<Result<(State, usize), (usize, String)>> = std::thread::scope(|scope| {
        let readers: Vec<_> = cuts
            .windows(2)
            .enumerate()
            .map(|(part_idx, range)| {
                let read_part = &read_part;
                scope.spawn(move || read_part(part_idx, range[0], range[1]))
            })
            .collect();
        readers.into_iter().map(|reader| reader.join().expect("a reading thread panicked")).collect()
    });
    let mut parts = Vec::with_capacity(results.len());
    let mut rows_before = 1; // the header
    for result in results {
        match result {
            Ok((part, n_rows)) => {
                rows_before += n_rows;
                parts.push((part, n_rows));
            }
            Err((row, error)) => return Err((rows_before + row, error)),
        }
    }
    Ok(parts)
}

pub fn energy(args: BenchEnergyArgs, language: Language) -> anyhow::Result<()> {
    let workload = FactoryWorkload {
        n_factories: args.factories,
        n_lines_per_factory: args.lines,
        interval_minutes: args.interval_minutes,
        days: args.days,
        seed: args.seed,
    };
    if workload.n_lines_per_factory < 2 {
        return Err(anyhow!("{}", BenchText::TooFewLines.localize(language)));
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let readings_path = args.out.join("readings.csv");
    let production_path = args.out.join("production.csv");
    let interval_s = i64::from(workload.interval_minutes) * 60;
    let t0 = parse_timestamp("2025-01-01 00:00", UTC_OFFSET_S).context("the start time")?;

    // Generate and write (not a timed step of the comparison: every tool reads the same files).
    let started = Instant::now();
    let (mut n_reading_rows, mut n_production_rows) = (0usize, 0usize);
    {
        let stamp = |step_idx: usize| {
            let time_s = t0 + interval_s * step_idx as i64;
            let local = jiff::Timestamp::from_second(time_s + i64::from(UTC_OFFSET_S)).unwrap_or_default();
            local.strftime("%Y-%m-%d %H:%M").to_string()
        };
        let mut readings = BufWriter::new(std::fs::File::create(&readings_path).context("creating readings.csv")?);
        let mut production =
            BufWriter::new(std::fs::File::create(&production_path).context("creating production.csv")?);
        writeln!(readings, "meter,timestamp,value")?;
        writeln!(production, "line,timestamp,sku,units")?;
        let mut stamps: Vec<String> = (0..=workload.n_intervals()).map(stamp).collect();
        stamps.shrink_to_fit();
        let line_ids: Vec<String> = (0..workload.n_lines()).map(|line_idx| workload.line_id(line_idx)).collect();
        let (mut readings_error, mut production_error) = (None, None);
        workload.generate(
            |line_idx, meter_idx, step_idx, value| {
                n_reading_rows += 1;
                if let Err(error) =
                    writeln!(readings, "{}-M{},{},{value:.3}", line_ids[line_idx], meter_idx + 1, stamps[step_idx])
                {
                    readings_error.get_or_insert(error);
                }
            },
            |line_idx, step_idx, units| {
                n_production_rows += 1;
                let factory = line_idx / workload.n_lines_per_factory + 1;
                if let Err(error) =
                    writeln!(production, "{},{},CUP-F{factory:02},{units}", line_ids[line_idx], stamps[step_idx])
                {
                    production_error.get_or_insert(error);
                }
            },
        );
        if let Some(error) = readings_error {
            return Err(error).context("writing readings.csv");
        }
        if let Some(error) = production_error {
            return Err(error).context("writing production.csv");
        }
        readings.flush()?;
        production.flush()?;
    }
    let generate_and_write_s = started.elapsed().as_secs_f64();

    // Load from CSV, each file read in parts on every core (see `read_in_parts`).
    let started = Instant::now();
    let n_threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let line_idx_of: FoldHashMap<Box<str>, usize> =
        (0..workload.n_lines()).map(|line_idx| (workload.line_id(line_idx).into_boxed_str(), line_idx)).collect();
    let meters_per_part =
        read_in_parts(&readings_path, n_threads, 3, MetersOfPart::default, |meters: &mut MetersOfPart, row, cells| {
            let meter = cells[0];
            let meter_idx = match meters.idx_of.get(meter) {
                Some(meter_idx) => *meter_idx,
                None => {
                    let meter_text = std::str::from_utf8(meter).map_err(|_| "meter is not UTF-8".to_owned())?;
                    let line = meter_text.rsplit_once('-').map_or(meter_text, |(line, _)| line);
                    let line_idx = *line_idx_of.get(line).ok_or_else(|| format!("unknown line {line}"))?;
                    meters.idx_of.insert(meter.into(), meters.readings.len());
                    meters.names.push(meter.into());
                    meters.lines.push(line_idx);
                    meters.readings.push(Vec::with_capacity(workload.n_intervals() + 1));
                    meters.readings.len() - 1
                }
            };
            let time_s = cell_text(cells, 1)
                .and_then(|text| parse_timestamp(text, UTC_OFFSET_S))
                .ok_or_else(|| "bad timestamp".to_owned())?;
            let value: f64 =
                cell_text(cells, 2).and_then(|text| text.parse().ok()).ok_or_else(|| "bad value".to_owned())?;
            meters.readings[meter_idx].push(RawReading { time_s, value, row });
            Ok(())
        })
        .map_err(|(row, error)| anyhow!("readings.csv row {row}: {error}"))?;
    // Meters in the order they first appear in the file; a meter cut by a part's boundary is joined up in file order.
    let mut meter_idx_of: FoldHashMap<Box<[u8]>, usize> = FoldHashMap::default();
    let mut meter_line: Vec<usize> = Vec::new();
    let mut readings: Vec<Vec<RawReading>> = Vec::new();
    let mut rows_before = 1; // the header
    for (part, n_rows) in meters_per_part {
        for ((name, line_idx), mut meter_readings) in part.names.into_iter().zip(part.lines).zip(part.readings) {
            for reading in &mut meter_readings {
                reading.row += rows_before;
            }
            match meter_idx_of.get(&name) {
                Some(&meter_idx) => readings[meter_idx].extend_from_slice(&meter_readings),
                None => {
                    meter_idx_of.insert(name, readings.len());
                    meter_line.push(line_idx);
                    readings.push(meter_readings);
                }
            }
        }
        rows_before += n_rows;
    }
    let n_days = workload.days as usize;
    // line → day → units, one table per part, added up in file order (the units are whole numbers, so every sum is
    // exact and the same as the row-by-row sum).
    let output_per_part = read_in_parts(
        &production_path,
        n_threads,
        4,
        || vec![vec![0.0_f64; n_days + 1]; workload.n_lines()],
        |output_days: &mut Vec<Vec<f64>>, _row, cells| {
            let line_idx = cell_text(cells, 0)
                .and_then(|line| line_idx_of.get(line))
                .copied()
                .ok_or_else(|| "unknown line".to_owned())?;
            let end_s = cell_text(cells, 1)
                .and_then(|text| parse_timestamp(text, UTC_OFFSET_S))
                .ok_or_else(|| "bad timestamp".to_owned())?;
            let units: f64 =
                cell_text(cells, 3).and_then(|text| text.parse().ok()).ok_or_else(|| "bad units".to_owned())?;
            let day_idx = usize::try_from((end_s - interval_s - t0).div_euclid(86_400)).unwrap_or(0).min(n_days);
            output_days[line_idx][day_idx] += units;
            Ok(())
        },
    )
    .map_err(|(row, error)| anyhow!("production.csv row {row}: {error}"))?;
    let mut output_days = vec![vec![0.0_f64; n_days + 1]; workload.n_lines()];
    for (part, _) in output_per_part {
        for (line_days, part_days) in output_days.iter_mut().zip(part) {
            for (units, part_units) in line_days.iter_mut().zip(part_days) {
                *units += part_units;
            }
        }
    }
    let load_csv_s = started.elapsed().as_secs_f64();

    // Last reading per meter (from the raw readings, as loaded).
    let started = Instant::now();
    let last_readings: Vec<Option<RawReading>> = readings
        .iter()
        .map(|meter_readings| meter_readings.iter().copied().max_by_key(|reading| reading.time_s))
        .collect();
    let last_reading_per_meter_s = started.elapsed().as_secs_f64();
    assert_eq!(last_readings.len(), readings.len(), "one last reading per meter");

    // Register → interval kWh, with the full cleaning.
    let started = Instant::now();
    let grid = Grid { interval_s, utc_offset_s: UTC_OFFSET_S };
    // Each meter's raw readings are dropped once cleaned, so that the raw and the cleaned data are never both whole
    // in memory.
    // The meters are shared out between the cores in order, and the series come back in the meters' order.
    let n_meters = readings.len();
    let meters_per_thread = n_meters.div_ceil(n_threads).max(1);
    let mut meters = readings.into_iter();
    let shares: Vec<Vec<Vec<RawReading>>> =
        (0..n_threads).map(|_| meters.by_ref().take(meters_per_thread).collect()).collect();
    let series: Vec<_> = std::thread::scope(|scope| {
        let cleaners: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|meter_readings| {
                            clean(&meter_readings, Register::Cumulative { rollover_value: None }, grid)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        cleaners.into_iter().flat_map(|cleaner| cleaner.join().expect("a cleaning thread panicked")).collect()
    });
    let register_to_interval_s = started.elapsed().as_secs_f64();
    let n_cleaning_events = series.iter().map(|series| series.events.len()).sum();

    // Daily kWh per line.
    let started = Instant::now();
    let mut energy_days = vec![vec![0.0_f64; n_days + 1]; workload.n_lines()];
    for (meter_idx, meter_series) in series.iter().enumerate() {
        let days = &mut energy_days[meter_line[meter_idx]];
        for interval in &meter_series.intervals {
            let day_idx =
                usize::try_from((interval.end_s - interval_s - t0).div_euclid(86_400)).unwrap_or(0).min(n_days);
            days[day_idx] += interval.quantity;
        }
    }
    let daily_kwh_per_line_s = started.elapsed().as_secs_f64();

    // Monthly SEC against the median of the other lines of the factory; the line furthest above its peers over the
    // year is the one found.
    let started = Instant::now();
    let first_day = jiff::civil::date(2025, 1, 1);
    let month_of_day: Vec<usize> = (0..=n_days)
        .map(|day_idx| {
            let day = first_day.checked_add(jiff::Span::new().days(day_idx as i64)).unwrap_or(first_day);
            (day.year() as usize - 2025) * 12 + day.month() as usize - 1
        })
        .collect();
    let n_months = month_of_day.iter().copied().max().unwrap_or(0) + 1;
    let mut monthly = vec![vec![(0.0_f64, 0.0_f64); n_months]; workload.n_lines()];
    for line_idx in 0..workload.n_lines() {
        for day_idx in 0..n_days {
            let month = &mut monthly[line_idx][month_of_day[day_idx]];
            month.0 += energy_days[line_idx][day_idx];
            month.1 += output_days[line_idx][day_idx];
        }
    }
    let mut gap_sum = vec![0.0_f64; workload.n_lines()];
    let mut n_gaps = vec![0_usize; workload.n_lines()];
    let mut gaps_csv = String::from("line,month,sec_kwh_per_unit,gap\n");
    for factory_idx in 0..workload.n_factories {
        let lines = factory_idx * workload.n_lines_per_factory..(factory_idx + 1) * workload.n_lines_per_factory;
        // Months index the inner vectors of several lines at once; an iterator over one line's months would hide that.
        #[allow(clippy::needless_range_loop)]
        for month_idx in 0..n_months {
            let secs: Vec<f64> = lines
                .clone()
                .map(|line_idx| {
                    let (energy, units) = monthly[line_idx][month_idx];
                    if units > 0.0 { energy / units } else { f64::NAN }
                })
                .collect();
            for (offset, line_idx) in lines.clone().enumerate() {
                let peers: Vec<f64> = secs
                    .iter()
                    .enumerate()
                    .filter(|(other, sec)| *other != offset && sec.is_finite())
                    .map(|(_, sec)| *sec)
                    .collect();
                if secs[offset].is_finite() && !peers.is_empty() {
                    let gap = secs[offset] / median_of(&peers) - 1.0;
                    gap_sum[line_idx] += gap;
                    n_gaps[line_idx] += 1;
                    let (year, month) = (2025 + month_idx / 12, month_idx % 12 + 1);
                    let _ = writeln!(
                        gaps_csv,
                        "{},{year}-{month:02},{:e},{gap:e}",
                        workload.line_id(line_idx),
                        secs[offset]
                    );
                }
            }
        }
    }
    let (hot_line_idx, hot_gap_sum) =
        gap_sum.iter().copied().enumerate().max_by(|left, right| left.1.total_cmp(&right.1)).unwrap_or((0, 0.0));
    let monthly_sec_vs_peer_median_s = started.elapsed().as_secs_f64();

    // One line's first week, by hour.
    let started = Instant::now();
    let mut week = [0.0_f64; 7 * 24];
    for (meter_idx, meter_series) in series.iter().enumerate() {
        if meter_line[meter_idx] != 0 {
            continue;
        }
        for interval in &meter_series.intervals {
            let hour_idx = (interval.end_s - interval_s - t0).div_euclid(3600);
            if let Ok(hour_idx) = usize::try_from(hour_idx)
                && hour_idx < week.len()
            {
                week[hour_idx] += interval.quantity;
            }
        }
    }
    let one_line_week_hourly_s = started.elapsed().as_secs_f64();
    let gaps_path = args.out.join("monthly_sec_gaps.csv");
    std::fs::write(&gaps_path, gaps_csv).with_context(|| format!("writing {}", gaps_path.display()))?;
    let total_kwh: f64 = energy_days.iter().flatten().sum();
    drop(series);

    // The database steps run on the async runtime the command line started.
    let (store, mqtt) = if args.store || args.mqtt.is_some() {
        let first_line = workload.line_id(0);
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async {
                let (report, store, organisation, actor, facility_id) = crate::bench_energy_store::store_steps(
                    &args.out,
                    &readings_path,
                    &first_line,
                    workload.days,
                    language,
                )
                .await?;
                let mqtt = match &args.mqtt {
                    Some(url) => Some(
                        crate::bench_energy_store::mqtt_step(
                            &store,
                            &organisation,
                            &actor,
                            &facility_id,
                            url,
                            args.mqtt_readings,
                            language,
                        )
                        .await?,
                    ),
                    None => None,
                };
                store.close().await;
                anyhow::Ok((Some(report), mqtt))
            })
        })?
    } else {
        (None, None)
    };

    let report = Report {
        n_factories: workload.n_factories,
        n_lines: workload.n_lines(),
        n_meters,
        n_reading_rows,
        n_production_rows,
        generate_and_write_s,
        load_csv_s,
        register_to_interval_s,
        daily_kwh_per_line_s,
        monthly_sec_vs_peer_median_s,
        last_reading_per_meter_s,
        one_line_week_hourly_s,
        hot_line_generated: workload.line_id(workload.hot_line_idx()),
        hot_line_found: workload.line_id(hot_line_idx),
        // The mean over the months with a gap (the last day's month is often empty: the day after the period).
        hot_line_gap: hot_gap_sum / n_gaps[hot_line_idx].max(1) as f64,
        n_cleaning_events,
        total_kwh,
        store,
        mqtt,
        peak_rss_mib: crate::bench_lca::peak_rss_mib(),
    };
    let json_path = args.out.join("tanji-bench-energy.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    emit(&summary(&report, &workload, &json_path, language))
}

/// The figures for people, in `language`: every printed line is a `tanji_i18n::bench` value, and the timing lines
/// are lined up by display width.
fn summary(report: &Report, workload: &FactoryWorkload, json_path: &std::path::Path, language: Language) -> String {
    use crate::table::{Align, Table};
    let mut out = String::new();
    let line = |out: &mut String, text: BenchText| {
        let _ = writeln!(out, "{}", text.localize(language));
    };
    line(
        &mut out,
        BenchText::EnergyWorkload {
            n_factories: report.n_factories,
            n_lines: workload.n_lines_per_factory,
            days: workload.days,
            interval_minutes: workload.interval_minutes,
            n_reading_rows: report.n_reading_rows,
            n_production_rows: report.n_production_rows,
        },
    );
    let mut timings = Table::new(0, &[Align::Left, Align::Right, Align::Left]);
    let seconds = |value: f64, decimals: usize| format!("{value:.decimals$} s");
    timings.row([BenchStep::GenerateAndWriteCsv.localize(language), seconds(report.generate_and_write_s, 2)]);
    timings.row([BenchStep::LoadFromCsv.localize(language), seconds(report.load_csv_s, 2)]);
    timings.row([
        BenchStep::RegisterToInterval.localize(language),
        seconds(report.register_to_interval_s, 2),
        BenchText::CleaningDecisions { n: report.n_cleaning_events }.localize(language),
    ]);
    timings.row([BenchStep::DailyKwhPerLine.localize(language), seconds(report.daily_kwh_per_line_s, 3)]);
    timings
        .row([BenchStep::MonthlySecVsPeerMedian.localize(language), seconds(report.monthly_sec_vs_peer_median_s, 3)]);
    timings.row([BenchStep::LastReadingPerMeter.localize(language), seconds(report.last_reading_per_meter_s, 3)]);
    timings.row([BenchStep::OneLineWeekByHour.localize(language), seconds(report.one_line_week_hourly_s, 3)]);
    if let Some(store) = &report.store {
        timings.row([
            BenchStep::StoreLoad.localize(language),
            seconds(store.load_through_store_s, 2),
            BenchText::StoreLoadDetail {
                readings_per_s: store.readings_per_s,
                n_readings: store.n_readings_stored,
                mib: store.database_bytes as f64 / 1_048_576.0,
            }
            .localize(language),
        ]);
        timings.row([
            BenchStep::StoreDailyKwhPerLine.localize(language),
            seconds(store.daily_kwh_per_line_from_rollups_s, 3),
        ]);
        timings.row([
            BenchStep::StoreLastReadingPerMeter.localize(language),
            seconds(store.last_reading_per_meter_from_store_s, 3),
        ]);
        timings.row([
            BenchStep::StoreOneLineWeekByHour.localize(language),
            seconds(store.one_line_week_hourly_from_rollups_s, 3),
        ]);
    }
    out.push_str(&timings.render());
    line(
        &mut out,
        BenchText::HotLine {
            generated: report.hot_line_generated.clone(),
            found: report.hot_line_found.clone(),
            gap_percent: report.hot_line_gap * 100.0,
        },
    );
    if let Some(store) = &report.store {
        line(
            &mut out,
            BenchText::StoreTotals {
                from_rollups: store.total_kwh_from_rollups,
                from_cleaning: report.total_kwh,
                relative_difference: (store.total_kwh_from_rollups / report.total_kwh - 1.0).abs(),
            },
        );
    }
    if let Some(mqtt) = &report.mqtt {
        line(
            &mut out,
            BenchText::Mqtt {
                n_published: mqtt.n_published,
                n_stored: mqtt.n_stored,
                n_duplicates: mqtt.n_duplicates,
                seconds: mqtt.seconds,
                readings_per_s: mqtt.readings_per_s,
            },
        );
    }
    if let Some(mib) = report.peak_rss_mib {
        line(&mut out, BenchText::PeakMemory { mib });
    }
    line(&mut out, BenchText::Details { path: json_path.display().to_string() });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's number and its cells.
    type NumberedRow = (usize, Vec<String>);

    /// Every row of a file, with its row number in the whole file, as `read_in_parts` gives them in `n_parts` parts.
    fn rows_in_parts(path: &std::path::Path, n_parts: usize) -> Result<Vec<NumberedRow>, (usize, String)> {
        let parts = read_in_parts(path, n_parts, 3, Vec::new, |rows: &mut Vec<NumberedRow>, row, cells| {
            if cells[0] == b"bad" {
                return Err("bad row".to_owned());
            }
            rows.push((row, cells.iter().map(|cell| String::from_utf8_lossy(cell).into_owned()).collect()));
            Ok(())
        })?;
        let mut rows_before = 1;
        let mut all = Vec::new();
        for (part, n_rows) in parts {
            all.extend(part.into_iter().map(|(row, cells)| (rows_before + row, cells)));
            rows_before += n_rows;
        }
        Ok(all)
    }

    #[test]
    fn a_file_read_in_parts_gives_every_row_once_in_order_with_its_row_number() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("readings.csv");
        let mut text = String::from("meter,timestamp,value\n");
        for row_idx in 0..997 {
            match row_idx % 101 {
                7 => text.push_str(&format!("\"M,{row_idx}\",2025-01-01 00:15,\"{row_idx}.5\"\r\n")),
                13 => text.push_str(&format!("M{row_idx},2025-01-01 00:15,{row_idx}.5,extra\n")),
                _ => text.push_str(&format!("M{row_idx},2025-01-01 00:15,{row_idx}.5\n")),
            }
        }
        std::fs::write(&path, &text).expect("writing");
        let whole = rows_in_parts(&path, 1).expect("read");
        assert_eq!(whole.len(), 997);
        assert_eq!(whole[0], (2, vec!["M0".to_owned(), "2025-01-01 00:15".to_owned(), "0.5".to_owned()]));
        assert_eq!(whole[7].1, vec!["M,7".to_owned(), "2025-01-01 00:15".to_owned(), "7.5".to_owned()]);
        assert_eq!(whole[996].0, 998);
        for n_parts in [2, 3, 7, 64] {
            assert_eq!(rows_in_parts(&path, n_parts).expect("read"), whole, "{n_parts} parts");
        }

        // An error names the row of the whole file, whichever part it is in.
        std::fs::write(&path, text.replacen("M900,", "bad,", 1)).expect("writing");
        for n_parts in [1, 2, 5] {
            assert_eq!(rows_in_parts(&path, n_parts), Err((902, "bad row".to_owned())), "{n_parts} parts");
        }
        std::fs::write(&path, text.replacen("M500,2025-01-01 00:15,500.5", "M500,2025", 1)).expect("writing");
        assert_eq!(rows_in_parts(&path, 2), Err((502, "2 cells, expected 3".to_owned())));
    }
}
