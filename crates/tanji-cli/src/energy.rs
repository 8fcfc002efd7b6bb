//! `tanji energy analyze` and `tanji energy example`: the energy expert engine on files, without a database
//! (`tanji energy import`, into the database, is in `energy_import`).
//!
//! The site file (docs/energy-file.md) names its readings and production CSVs, relative to itself; all three are read
//! and checked before anything is computed, so a file with problems gives every problem (file, row, field, fix) and
//! no partial result.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_energy::file::{FileProblem, SiteFile, read_weather_csv};
use tanji_energy::handover::{InventoryHandover, activity_rows, monthly_energy};
use tanji_energy::{Analysis, analyze_with_weather, read_production_csv, read_readings_csv, read_site_file};
use tanji_i18n::energy::{file_problem_text, kwh, percent, whole};
use tanji_i18n::inventory::figure;
use tanji_i18n::{Language, Localize, text};

use crate::inventory::emit;
use crate::options::{EnergyAnalyzeArgs, EnergyCommand, EnergyExampleArgs, ReportFormat};
use crate::table::Align::{Left, Right};
use crate::table::Table;

pub async fn energy(command: EnergyCommand, language: Language) -> anyhow::Result<()> {
    match command {
        EnergyCommand::Analyze(args) => analyze_file(args, language),
        EnergyCommand::Example(args) => example(args, language),
        EnergyCommand::Import(args) => crate::energy_import::import(args, language).await,
    }
}

/// A finding as the JSON report carries it: the codes and figures, and the sentence in the chosen language.
#[derive(Serialize)]
struct FindingText {
    rank: usize,
    text: String,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    language: &'static str,
    findings_text: Vec<FindingText>,
    analysis: &'a Analysis,
}

pub(crate) fn problems_error(problems: &[FileProblem], language: Language) -> anyhow::Error {
    let count = problems.len();
    let heading = match (language, count) {
        (Language::SimplifiedChinese, _) => format!("{count} 个问题，未做分析："),
        (Language::English, 1) => "1 problem; nothing was analysed:".to_owned(),
        (Language::English, _) => format!("{count} problems; nothing was analysed:"),
    };
    let lines: Vec<String> = problems.iter().map(|problem| file_problem_text(problem, language)).collect();
    anyhow!("{heading}\n{}", lines.join("\n"))
}

pub(crate) fn read_bytes(path: &Path, language: Language) -> anyhow::Result<Vec<u8>> {
    let display = path.display();
    // The system's reason is English: a Chinese reader gets the file and the fix.
    std::fs::read(path).map_err(|error| match language {
        Language::SimplifiedChinese => anyhow!("{display}：无法读取文件\n  提示：检查路径和读取权限"),
        Language::English => anyhow!("{display}: cannot read the file: {error}\n  hint: check the path"),
    })
}

fn analyze_file(args: EnergyAnalyzeArgs, language: Language) -> anyhow::Result<()> {
    let site_name = args.file.display().to_string();
    let file = read_site_file(&site_name, &read_bytes(&args.file, language)?)
        .map_err(|problems| problems_error(&problems, language))?;
    let shown_site = site_for_reader(&file, language);
    let counted_site = file.top_meters_only();
    let SiteFile { site, readings_path, production_path, options, weather, .. } = file;
    let directory = args.file.parent().unwrap_or(Path::new("."));
    let readings_file = directory.join(&readings_path);
    let production_file = directory.join(&production_path);
    let readings =
        read_readings_csv(&readings_file.display().to_string(), &read_bytes(&readings_file, language)?, &site);
    let production =
        read_production_csv(&production_file.display().to_string(), &read_bytes(&production_file, language)?, &site);
    let weather = match &weather {
        Some(weather_file) => {
            let path = directory.join(&weather_file.path);
            Some(read_weather_csv(&path.display().to_string(), &read_bytes(&path, language)?, weather_file))
        }
        None => None,
    };
    let (readings, production, weather) = match (readings, production, weather.transpose()) {
        (Ok((readings, _layout)), Ok(production), Ok(weather)) => (readings, production, weather),
        (readings, production, weather) => {
            let mut problems = readings.err().unwrap_or_default();
            problems.extend(production.err().unwrap_or_default());
            problems.extend(weather.err().unwrap_or_default());
            return Err(problems_error(&problems, language));
        }
    };
    // The figures do not depend on the labels; the report carries them in the reader's language.
    let analysis = analyze_with_weather(&shown_site, &readings, &production, weather.as_ref(), &options);
    if let Some(out) = &args.activities_csv {
        // A site total counts each kWh once: only the meters at the top of their sub-metering tree.
        write_activities(&args, out, &counted_site, &readings, language)?;
    }
    match args.format {
        ReportFormat::Json => {
            let findings_text = analysis
                .findings
                .iter()
                .map(|finding| FindingText {
                    rank: finding.rank,
                    text: finding.kind.localize(language),
                    evidence: finding.evidence.iter().map(|evidence| evidence.localize(language)).collect(),
                })
                .collect();
            let language_code = match language {
                Language::SimplifiedChinese => "zh-CN",
                Language::English => "en",
            };
            let report = Report { language: language_code, findings_text, analysis: &analysis };
            emit(&format!("{}\n", serde_json::to_string_pretty(&report)?))
        }
        ReportFormat::Table => emit(&table(&analysis, language)),
    }
}

/// The site's metered months as an activity CSV (the documented columns, `docs/inventory-file.md`).
fn write_activities(
    args: &EnergyAnalyzeArgs,
    out: &Path,
    site: &tanji_energy::Site,
    readings: &std::collections::HashMap<String, Vec<tanji_energy::RawReading>>,
    language: Language,
) -> anyhow::Result<()> {
    let Some(electricity_factor) = args.electricity_factor.clone().or_else(|| site.grid_factor.factor_id.clone())
    else {
        return Err(match language {
            Language::SimplifiedChinese => anyhow!(
                "站点文件未给出电网因子编号（grid_factor.factor_id）\n  提示：用 --electricity-factor 指定因子库中的电网因子"
            ),
            Language::English => anyhow!(
                "the site file names no grid factor id (grid_factor.factor_id)\n  hint: name the library's grid factor with --electricity-factor"
            ),
        });
    };
    let handover = InventoryHandover {
        facility: args.facility.clone().unwrap_or_else(|| site.name.clone()),
        emission_point: args.emission_point.clone().unwrap_or_else(|| site.name.clone()),
        electricity_factor,
        natural_gas_parameters: Some(args.gas_parameters.clone()),
        steam_factor: args.steam_factor.clone(),
    };
    let months = monthly_energy(site, readings);
    let (rows, left_out) = activity_rows(&months, &handover);
    for (month, kind) in &left_out {
        let kind = kind.localize(language);
        eprintln!(
            "{}",
            text!(language,
                zh: "{month} 的{kind}计量数据未写出：缺少计算方法（蒸汽请用 --steam-factor 指定因子）",
                en: "{month}: metered {kind} not written: no method for it (name the steam factor with --steam-factor)")
        );
    }
    let mut table = CsvTable::new(tanji_inventory::ACTIVITY_COLUMNS);
    for row in &rows {
        // The notes are a code with figures: the file's reader gets them in their language (read back on import).
        let mut row = row.clone();
        row.notes = tanji_i18n::energy::activity_notes(&row.notes, language);
        let value = serde_json::to_value(&row)?;
        table.row(
            tanji_inventory::ACTIVITY_COLUMNS.iter().map(|column| {
                Cell::text(value.get(column).and_then(|cell| cell.as_str()).unwrap_or_default().to_owned())
            }),
        );
    }
    std::fs::write(out, table.into_string()).with_context(|| format!("writing {}", out.display()))?;
    let (n_rows, n_months, path) = (rows.len(), months.len(), out.display());
    eprintln!(
        "{}",
        text!(language,
            zh: "已将 {n_months} 个月的计量能耗写为 {n_rows} 条活动数据：{path}",
            en: "wrote {n_rows} activity rows of {n_months} metered months to {path}")
    );
    Ok(())
}

/// The site as a reader of `language` sees it: the file's Chinese labels for Chinese readers, and the
/// "illustrative" marker in their language after the name of made-up data.
fn site_for_reader(file: &SiteFile, language: Language) -> tanji_energy::Site {
    let mut site = match language {
        Language::SimplifiedChinese => file.site_with_chinese_labels(),
        Language::English => file.site.clone(),
    };
    if file.illustrative {
        let name = &site.name;
        site.name = text!(language, zh: "{name}（示意数据）", en: "{name} (illustrative)");
    }
    site
}

fn table(analysis: &Analysis, language: Language) -> String {
    let mut out = String::new();
    let site = &analysis.site;
    let _ = writeln!(out, "{}", text!(language, zh: "能耗分析：{site}", en: "Energy analysis: {site}"));
    if let Some(period) = analysis.baseline_period {
        let (first, last, n_days) = (period.first, period.last, analysis.n_baseline_days);
        let _ = writeln!(
            out,
            "{}",
            text!(language, zh: "分析期：{first} 至 {last}（{n_days} 天有数据）", en: "Period: {first} to {last} ({n_days} days with data)")
        );
    }
    let (factor, source) = (figure(analysis.grid_factor.t_co2e_per_mwh, 4), &analysis.grid_factor.source);
    let _ = writeln!(
        out,
        "{}",
        text!(language, zh: "电网排放因子：{factor} t CO2e/MWh（{source}）", en: "Grid factor: {factor} t CO2e/MWh ({source})")
    );
    if let Some(tariff) = &analysis.tariff {
        let (price, source) = (figure(tariff.cny_per_kwh, 4), &tariff.source);
        let _ = writeln!(
            out,
            "{}",
            text!(language, zh: "电价：{price} 元/kWh（{source}）", en: "Tariff: ¥{price}/kWh ({source})")
        );
    }

    out.push('\n');
    let _ = writeln!(out, "{}", text!(language, zh: "产线", en: "Lines"));
    let mut lines = Table::new(0, &[Left, Left, Right, Right, Right, Right, Right, Right, Right]);
    let header = match language {
        Language::SimplifiedChinese => {
            ["产线", "产品", "能耗", "产量", "单耗 kWh/件", "同类差距", "非生产负荷 kWh/天", "R²", "CV(RMSE)"]
        }
        Language::English => {
            ["line", "SKU", "energy", "output", "kWh/unit", "peer gap", "base load kWh/day", "R²", "CV(RMSE)"]
        }
    };
    lines.row(header);
    for line in &analysis.lines {
        let gap = analysis
            .peers
            .iter()
            .find(|peer| peer.line == line.line)
            .map_or("—".to_owned(), |peer| percent(peer.gap_fraction));
        let sec = line.sec_kwh_per_unit.map_or("—".to_owned(), |sec| figure(sec, 4));
        let (load, r2, cv) = match &line.baseline {
            Some(baseline) => (
                baseline.non_production_load_kwh().map_or("—".to_owned(), |load| figure(load, 4)),
                figure(baseline.statistics.r_squared, 4),
                percent(baseline.statistics.cv_rmse),
            ),
            None => ("—".to_owned(), "—".to_owned(), "—".to_owned()),
        };
        lines.row([
            line.line.to_string(),
            line.sku.to_string(),
            kwh(line.energy_kwh),
            whole(line.production_units),
            sec,
            gap,
            load,
            r2,
            cv,
        ]);
    }
    out.push_str(&lines.render());

    out.push('\n');
    let _ = writeln!(out, "{}", text!(language, zh: "发现（按节能量排序）", en: "Findings (largest saving first)"));
    if analysis.findings.is_empty() {
        let _ = writeln!(out, "{}", text!(language, zh: "（无）", en: "(none)"));
    }
    for finding in &analysis.findings {
        let _ = writeln!(out, "{}. {}", finding.rank, finding.kind.localize(language));
        if let Some(saving) = finding.saving {
            let energy = kwh(saving.kwh_per_year);
            let co2 = figure(saving.t_co2e_per_year, 4);
            let money = saving.cny_per_year.map(|cny| format!(" · ¥{}", whole(cny))).unwrap_or_default();
            let _ = writeln!(
                out,
                "   {}",
                text!(language, zh: "预计每年节约：{energy} · {co2} t CO2e{money}", en: "expected saving a year: {energy} · {co2} t CO2e{money}")
            );
        }
        for evidence in &finding.evidence {
            let evidence = evidence.localize(language);
            let _ = writeln!(out, "   {}", text!(language, zh: "依据：{evidence}", en: "evidence: {evidence}"));
        }
    }

    out.push('\n');
    let _ = writeln!(out, "{}", text!(language, zh: "数据清洗", en: "Data cleaning"));
    for meter in &analysis.meters {
        let (id, n_intervals, n_estimated, n_spikes, n_events) =
            (&meter.meter, meter.n_intervals, meter.n_estimated, meter.n_spikes, meter.events.len());
        let _ = writeln!(
            out,
            "{}",
            text!(language,
            zh: "{id}：{n_intervals} 个时段，{n_estimated} 个估算，{n_spikes} 个尖峰，{n_events} 条清洗记录",
            en: "{id}: {n_intervals} intervals, {n_estimated} estimated, {n_spikes} spikes, {n_events} cleaning decisions")
        );
        for event in
            meter.events.iter().filter(|event| !matches!(event, tanji_energy::CleaningEvent::Spike { .. })).take(5)
        {
            let _ = writeln!(out, "   {}", event.localize(language));
        }
    }
    out
}

fn example(args: EnergyExampleArgs, language: Language) -> anyhow::Result<()> {
    let first_day: jiff::civil::Date = args.first_day.parse().map_err(|_| {
        let day = &args.first_day;
        anyhow!(text!(language,
            zh: "--first-day {day}：不是日期\n  提示：写成 2025-01-01",
            en: "--first-day {day}: not a date\n  hint: write it like 2025-01-01"))
    })?;
    let files = tanji_energy::synthetic::ruihe_paper_cups(args.seed, first_day, args.days);
    std::fs::create_dir_all(&args.directory).with_context(|| format!("creating {}", args.directory.display()))?;
    let write = |name: &str, text: &str| -> anyhow::Result<PathBuf> {
        let path = args.directory.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    };
    write("site.toml", &files.site_toml)?;
    write("readings.csv", &files.readings_csv)?;
    write("production.csv", &files.production_csv)?;
    write("weather.csv", &files.weather_csv)?;
    let directory = args.directory.display();
    eprintln!(
        "{}",
        text!(language,
            zh: "已将 site.toml、readings.csv、production.csv 和 weather.csv（示意数据）写入 {directory}",
            en: "wrote site.toml, readings.csv, production.csv and weather.csv (illustrative data) to {directory}")
    );
    Ok(())
}
