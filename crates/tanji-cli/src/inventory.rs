//! `tanji inventory compute` and `tanji factors …`: the inventory engine and factor library without a database.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Serialize;
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table, parse_factor_csv};
use tanji_ghg::{EmissionFactor, FactorCategory, FactorLibrary, FactorOwner, FactorQuery, GwpSet};
use tanji_i18n::inventory::{figure, mass_co2e, row_error_text};
use tanji_i18n::{Language, Localize, text};
use tanji_inventory::import::RowProblem;
use tanji_inventory::{
    BaseYearComparison, Inventory, InventoryFile, InventoryInput, IsoCategory, LineStatus, RecalculationAssessment,
    Reference, RowError, Scope, Severity, assess_recalculation, calculate, compare_with_base_year, parse_activity_csv,
};

use crate::options::{
    FactorsCommand, FactorsSearchArgs, FactorsShowArgs, InventoryCommand, InventoryComputeArgs, ReportFormat,
};

pub fn inventory(command: InventoryCommand, language: Language) -> anyhow::Result<()> {
    match command {
        InventoryCommand::Compute(args) => compute(args, language),
    }
}

pub fn factors(command: FactorsCommand) -> anyhow::Result<()> {
    match command {
        FactorsCommand::Search(args) => search(args),
        FactorsCommand::Show(args) => show(args),
    }
}

/// Everything `inventory compute` reports.
#[derive(Serialize)]
struct ComputeReport {
    inventory: Inventory,
    base_year: Option<BaseYearComparison>,
    recalculation: Option<RecalculationAssessment>,
}

/// A file's bytes; the error names the file in the reader's language (the system's reason is added in English only,
/// as the system gives it in English).
fn read_bytes(path: &Path, display: &str, language: Language) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|error| match language {
        Language::SimplifiedChinese => anyhow::anyhow!("{display}：无法读取文件\n  提示：检查路径和读取权限"),
        Language::English => anyhow::anyhow!("{display}: cannot read the file: {error}\n  hint: check the path"),
    })
}

/// A file's text, which must be UTF-8.
fn read_text(path: &Path, display: &str, language: Language) -> anyhow::Result<String> {
    String::from_utf8(read_bytes(path, display, language)?)
        .map_err(|_| row_errors(&[RowError::of(display, 0, "", RowProblem::NotText)], language))
}

fn row_errors(errors: &[RowError], language: Language) -> anyhow::Error {
    let shown: Vec<String> = errors.iter().take(50).map(|error| row_error_text(error, language)).collect();
    let n_more = errors.len().saturating_sub(50);
    let more = if n_more > 0 {
        text!(language, zh: "\n……另有 {n_more} 个问题", en: "\n… and {n_more} more")
    } else {
        String::new()
    };
    let n_errors = errors.len();
    let headline =
        text!(language, zh: "{n_errors} 个问题，未进行计算：", en: "{n_errors} problem(s); nothing was computed:");
    anyhow::anyhow!("{headline}\n{}{more}", shown.join("\n"))
}

/// The inventory input and reference library built from an inventory file and the files it names.
pub struct LoadedInventory {
    pub file: InventoryFile,
    pub input: InventoryInput,
    pub library: FactorLibrary,
}

/// Read an inventory file and what it names; `gwp_override` wins over the file's `gwp`.
pub fn load_inventory_file(
    path: &Path,
    gwp_override: Option<GwpSet>,
    language: Language,
) -> anyhow::Result<LoadedInventory> {
    let display = path.display().to_string();
    let text = read_text(path, &display, language)?;
    let file = InventoryFile::parse(&display, &text).map_err(|errors| row_errors(&errors, language))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut library = factor_library().clone();
    if let Some(factors_csv) = &file.factors_csv {
        let factors_path = base.join(factors_csv);
        let factors_display = factors_path.display().to_string();
        let factors_text = read_text(&factors_path, &factors_display, language)?;
        let own =
            parse_factor_csv(&factors_display, &factors_text, &FactorOwner::Organisation(file.organisation.clone()))
                .map_err(|errors| row_errors(&errors.into_iter().map(RowError::from).collect::<Vec<_>>(), language))?;
        for (factor_idx, factor) in own.into_iter().enumerate() {
            let row = factor_idx + 2;
            if factor_library().latest(&factor.id).is_some() {
                let problem = RowProblem::BundledFactorId { id: factor.id.clone() };
                return Err(row_errors(&[RowError::of(&factors_display, row, "id", problem)], language));
            }
            if let Err(error) = library.add(factor) {
                let problem = RowProblem::from_library_error(error);
                return Err(row_errors(&[RowError::of(&factors_display, row, "version", problem)], language));
            }
        }
    }
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (row_idx, row) in file.inline_activities.iter().enumerate() {
        match row.clone().into_record(&format!("{display} [[activities]]"), row_idx + 1) {
            Ok(record) => records.push(record),
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    if let Some(activities_csv) = &file.activities_csv {
        let csv_path = base.join(activities_csv);
        let csv_display = csv_path.display().to_string();
        let csv_bytes = read_bytes(&csv_path, &csv_display, language)?;
        let csv_text = tanji_inventory::decode_csv(&csv_display, &csv_bytes)
            .map_err(|error| row_errors(&[error], language))?
            .into_owned();
        let progress = (csv_text.len() > 2_000_000).then(|| {
            let bar = indicatif::ProgressBar::new(csv_text.lines().count().saturating_sub(1) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(text!(language, zh: "正在读取 {csv_display}", en: "reading {csv_display}"));
            bar
        });
        match parse_activity_csv(&csv_display, &csv_text, |n_rows| {
            if let Some(bar) = &progress {
                bar.set_position(n_rows as u64);
            }
        }) {
            Ok(mut parsed) => records.append(&mut parsed),
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
    }
    if !errors.is_empty() {
        return Err(row_errors(&errors, language));
    }
    let Some(gwp_set) = gwp_override.or(file.gwp_set) else {
        return Err(row_errors(&[RowError::of(&display, 0, "gwp", RowProblem::GwpSetMissing)], language));
    };
    let year = file.reporting_year;
    let input = InventoryInput {
        organisation: file.organisation.clone(),
        period_start: jiff::civil::Date::new(year, 1, 1).with_context(|| format!("reporting_year {year}"))?,
        period_end: jiff::civil::Date::new(year, 12, 31).with_context(|| format!("reporting_year {year}"))?,
        gwp_set,
        consolidation: file.consolidation,
        facilities: file.facilities.clone(),
        records,
    };
    Ok(LoadedInventory { file, input, library })
}

fn compute(args: InventoryComputeArgs, language: Language) -> anyhow::Result<()> {
    let gwp_override = args.gwp.as_deref().map(str::parse::<GwpSet>).transpose()?;
    let loaded = load_inventory_file(&args.file, gwp_override, language)?;
    let reference = Reference { factors: &loaded.library, fuel_parameters: fuel_parameters(), gwp: gwp_table() };
    let inventory = calculate(&loaded.input, reference);
    let base_year = loaded
        .file
        .base_year
        .as_ref()
        .map(|policy| compare_with_base_year(&loaded.input, &inventory, policy, reference));
    let recalculation = base_year.as_ref().map(|comparison| {
        assess_recalculation(
            comparison.base_total_location_kg,
            loaded.file.significance_threshold_percent,
            &loaded.file.base_year_changes,
        )
    });
    let completeness = inventory.totals.completeness.clone();
    let report = ComputeReport { inventory, base_year, recalculation };
    match args.format {
        ReportFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
        ReportFormat::Table => emit(&table(&report, language))?,
    }
    // `--strict` is the default now and is accepted for old scripts without effect.
    let _ = args.strict;
    if !completeness.is_complete() {
        let sentence = completeness.localize(language);
        if args.allow_incomplete {
            eprintln!("{}", text!(language, zh: "警告：{sentence}", en: "warning: {sentence}"));
        } else {
            let hint = text!(language,
                zh: "提示：修正诊断中列出的记录；若确需不完整的结果，加 --allow-incomplete",
                en: "hint: fix the records the diagnostics name, or pass --allow-incomplete to accept an incomplete result");
            eprintln!("{}\n  {hint}", text!(language, zh: "错误：{sentence}", en: "error: {sentence}"));
            std::process::exit(2);
        }
    }
    Ok(())
}

/// Write data to stdout; a reader that went away (`| head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result.context("writing to stdout")?),
    }
}

/// A total for people: t CO2e from one tonne up, kg below, six significant figures, no float noise.
fn amount(kg: f64) -> String {
    mass_co2e(kg, 6)
}

fn line_status(status: &LineStatus, language: Language) -> String {
    match status {
        LineStatus::Counted => text!(language, zh: "已计入", en: "counted"),
        LineStatus::Superseded { by_record, by_source } => {
            let by_source = by_source.localize(language);
            text!(language, zh: "被 {by_record}（{by_source}）取代", en: "superseded by {by_record} ({by_source})")
        }
        LineStatus::Failed => text!(language, zh: "无法计算，未计入", en: "FAILED, not counted"),
        LineStatus::Excluded { reason } => {
            let reason = reason.localize(language);
            text!(language, zh: "不计入：{reason}", en: "excluded: {reason}")
        }
    }
}

fn table(report: &ComputeReport, language: Language) -> String {
    let inventory = &report.inventory;
    let totals = &inventory.totals;
    let complete = totals.completeness.is_complete();
    let mut out = String::new();
    let (organisation, start, end) = (&inventory.organisation, inventory.period_start, inventory.period_end);
    let _ = writeln!(
        out,
        "{}",
        text!(language, zh: "{organisation} — 温室气体清单 {start} 至 {end}", en: "{organisation} — GHG inventory {start} to {end}")
    );
    let (gwp, n_lines, n_factors) = (inventory.gwp_set, inventory.lines.len(), inventory.factors_used.len());
    let consolidation = inventory.consolidation.key();
    let _ = writeln!(
        out,
        "{}",
        text!(language,
            zh: "GWP 值集 {gwp} · 合并方法 {consolidation} · {n_lines} 行 · 固定 {n_factors} 个因子版本",
            en: "GWP set {gwp} · consolidation {consolidation} · {n_lines} lines · {n_factors} factor versions pinned")
    );
    let completeness = totals.completeness.localize(language);
    let _ = writeln!(out, "{}\n", text!(language, zh: "完整性：{completeness}", en: "Completeness: {completeness}"));
    let marker = if complete { String::new() } else { text!(language, zh: "（不完整）", en: " (incomplete)") };
    let _ = writeln!(out, "{}", text!(language, zh: "合计{marker}", en: "Totals{marker}"));
    let scope2 = Scope::Scope2.localize(language);
    for (label, kg) in [
        (Scope::Scope1.localize(language), totals.scope1_kg),
        (text!(language, zh: "{scope2}（基于位置）", en: "{scope2} (location-based)"), totals.scope2_location_kg),
        (text!(language, zh: "{scope2}（基于市场）", en: "{scope2} (market-based)"), totals.scope2_market_kg),
        (Scope::Scope3.localize(language), totals.scope3_kg),
        (text!(language, zh: "总计（范围二基于位置）", en: "Total (location-based scope 2)"), totals.total_location_kg),
        (text!(language, zh: "总计（范围二基于市场）", en: "Total (market-based scope 2)"), totals.total_market_kg),
        (
            text!(language, zh: "中国核算指南净排放（扣除输出）", en: "China guideline net (exports deducted)"),
            totals.china_guideline_net_kg,
        ),
        (text!(language, zh: "生物源 CO2（单独报告）", en: "Biogenic CO2 (reported apart)"), totals.biogenic_co2_kg),
        (text!(language, zh: "备忘：非京都气体", en: "Memo: non-Kyoto gases"), totals.memo_co2e_kg),
    ] {
        let _ = writeln!(out, "  {label:<44} {:>18}", amount(kg));
    }
    if let Some(percent) = totals.uncertainty_percent {
        let (n_without, percent) = (totals.n_lines_without_uncertainty, figure(percent, 3));
        let label = text!(language, zh: "不确定性（95%，{n_without} 行未说明）", en: "Uncertainty (95 %, {n_without} lines without)");
        let _ = writeln!(out, "  {label:<44} {:>18}", format!("±{percent} %"));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "ISO 14064-1 类别", en: "ISO 14064-1 category"));
    for category in IsoCategory::ALL {
        let kg = totals.by_iso_category.get(&category.number()).copied().unwrap_or(0.0);
        let label = match language {
            Language::SimplifiedChinese => category.label_zh(),
            Language::English => category.label_en(),
        };
        let _ = writeln!(out, "  {label:<44} {:>18}", amount(kg));
    }
    if !totals.by_scope3_category.is_empty() {
        let _ = writeln!(out, "\n{}", text!(language, zh: "范围三类别", en: "Scope 3 category"));
        for (category, kg) in &totals.by_scope3_category {
            let label = tanji_inventory::Scope3Category::new(*category)
                .map(|category| tanji_inventory::EmissionSource::Scope3(category).localize(language))
                .unwrap_or_else(|| category.to_string());
            let _ = writeln!(out, "  {label:<44} {:>18}", amount(*kg));
        }
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "气体", en: "Gas"));
    for (gas, kg) in &totals.by_gas_group {
        let _ = writeln!(out, "  {gas:<44} {:>18}", amount(*kg));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "设施", en: "Facility"));
    for (facility, kg) in &totals.by_facility {
        let _ = writeln!(out, "  {facility:<44} {:>18}", amount(*kg));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "月份", en: "Month"));
    for (month, kg) in &totals.by_month {
        let _ = writeln!(out, "  {month:<44} {:>18}", amount(*kg));
    }
    if let Some(base) = &report.base_year {
        let (policy, base_total) = (base.policy.localize(language), amount(base.base_total_location_kg));
        let _ = writeln!(
            out,
            "\n{}",
            text!(language, zh: "基准年（{policy}，按当前边界）：{base_total}", en: "Base year ({policy}) under today's boundary: {base_total}")
        );
        if let Some(change) = base.change_percent {
            let change = format!("{change:+.1}");
            let _ = writeln!(
                out,
                "{}",
                text!(language, zh: "较基准年变化：{change}%", en: "Change since base year: {change} %")
            );
        }
        if base.both_sides_complete() == Some(false) {
            let _ = writeln!(
                out,
                "{}",
                text!(language,
                    zh: "注意：基准年或本年的合计不完整，上述变化并非同口径比较",
                    en: "Note: the base year or this year is incomplete, so this change is not like-for-like")
            );
            for (year, completeness) in base.incomplete_base_years() {
                let _ = writeln!(out, "  {year}: {}", completeness.localize(language));
            }
        }
    }
    if let Some(recalculation) = &report.recalculation {
        let explanation = recalculation.explanation.localize(language);
        let _ = writeln!(out, "{}", text!(language, zh: "重新计算：{explanation}", en: "Recalculation: {explanation}"));
    }
    let _ = writeln!(
        out,
        "\n{}",
        text!(language, zh: "明细行（排放量；状态；公式）", en: "Lines (emissions; status; formula)")
    );
    for line in &inventory.lines {
        let _ = writeln!(
            out,
            "  {} · {} · {} · {} · {} · {}",
            line.record_id,
            line.facility,
            line.source.localize(language),
            line.quantity_entered,
            amount(line.co2e_kg),
            line_status(&line.status, language)
        );
        for parameter in &line.parameters {
            let _ = writeln!(out, "      {}", parameter.localize(language));
        }
        if !line.formula.is_empty() {
            let _ = writeln!(out, "      {}", tanji_i18n::inventory::formula_text(&line.formula, language));
        }
        for factor in &line.factors {
            let (reference, citation, region, year) =
                (&factor.reference, &factor.citation, &factor.region, factor.year);
            let _ = writeln!(
                out,
                "      {}",
                text!(language, zh: "因子 {reference} — {citation}（{region}，{year}）", en: "factor {reference} — {citation} ({region}, {year})")
            );
        }
    }
    if !inventory.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", text!(language, zh: "诊断", en: "Diagnostics"));
        for diagnostic in &inventory.diagnostics {
            let severity = match diagnostic.severity {
                Severity::Error => text!(language, zh: "错误", en: "error"),
                Severity::Warning => text!(language, zh: "警告", en: "warning"),
                Severity::Info => text!(language, zh: "信息", en: "info"),
            };
            let record = diagnostic.record_id.as_deref().map(|id| format!("{id}: ")).unwrap_or_default();
            let _ = writeln!(out, "  {severity}: {record}{}", diagnostic.message.localize(language));
        }
    }
    out
}

#[derive(Serialize)]
struct FactorSummary<'a> {
    #[serde(flatten)]
    factor: &'a EmissionFactor,
}

fn search(args: FactorsSearchArgs) -> anyhow::Result<()> {
    let mut out = String::new();
    let category = match &args.category {
        Some(text) => Some(FactorCategory::parse(text).with_context(|| {
            format!(
                "--category {text}: unknown category\n  hint: one of {}",
                FactorCategory::ALL.iter().map(|category| category.key()).collect::<Vec<_>>().join(", ")
            )
        })?),
        None => None,
    };
    let query = FactorQuery {
        text: args.words.join(" "),
        region: args.region.clone(),
        year: args.year,
        source: args.source.clone(),
        category,
        ..FactorQuery::default()
    };
    let hits = factor_library().search(&query);
    match args.format {
        ReportFormat::Json => {
            let shown: Vec<FactorSummary<'_>> =
                hits.iter().take(args.limit).map(|factor| FactorSummary { factor }).collect();
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&shown)?);
        }
        ReportFormat::Table => {
            if hits.is_empty() {
                eprintln!("no factor matches; try fewer words, another language (电网 / grid) or drop --year/--region");
                return emit(&out);
            }
            for factor in hits.iter().take(args.limit) {
                let per_unit = factor
                    .co2e(GwpSet::AR5, gwp_table())
                    .map(|co2e| format!("{:.6} kg CO2e/{} (AR5)", co2e.kg_co2e_per_unit, factor.unit))
                    .unwrap_or_else(|error| error.to_string());
                let _ = writeln!(out, "{}@{}  {} · {}", factor.id, factor.version, factor.name_en, factor.name_zh);
                let _ =
                    writeln!(out, "    {per_unit} · {} · {} · {}", factor.region, factor.year, factor.citation.short());
            }
            if hits.len() > args.limit {
                eprintln!("{} more; narrow the search or raise --limit", hits.len() - args.limit);
            }
        }
    }
    emit(&out)
}

fn show(args: FactorsShowArgs) -> anyhow::Result<()> {
    let mut out = String::new();
    let versions = factor_library().versions(&args.id);
    if versions.is_empty() {
        bail!("no factor “{}”\n  hint: find ids with `tanji factors search WORDS`", args.id);
    }
    match args.format {
        ReportFormat::Json => {
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&versions)?);
        }
        ReportFormat::Table => {
            for factor in versions {
                let _ = writeln!(out, "{}@{}  {} · {}", factor.id, factor.version, factor.name_en, factor.name_zh);
                let _ = writeln!(out, "  category     {}", factor.category.key());
                let _ = writeln!(out, "  unit         {}", factor.unit);
                for rate in &factor.gas_rates {
                    let _ = writeln!(out, "  {:<12} {} kg/{}", rate.gas.name(), rate.kg_per_unit, factor.unit);
                }
                if let Some(published) = &factor.published_co2e {
                    let _ = writeln!(
                        out,
                        "  CO2e         {} kg/{} ({} as published)",
                        published.kg_per_unit, factor.unit, published.gwp_set
                    );
                    for share in &published.by_gas {
                        let _ = writeln!(
                            out,
                            "  {:<12} {} kg CO2e/{} (its share of the published CO2e)",
                            share.gas.name(),
                            share.kg_co2e_per_unit,
                            factor.unit
                        );
                    }
                }
                if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
                    let _ = writeln!(out, "  biogenic CO2 {biogenic} kg/{} (reported apart)", factor.unit);
                }
                let _ = writeln!(out, "  year/region  {} · {}", factor.year, factor.region);
                let _ = writeln!(out, "  source       {}", factor.citation.short());
                let _ = writeln!(out, "  url          {}", factor.citation.url);
                let _ = writeln!(out, "  licence      {}", factor.citation.licence);
                let _ = writeln!(out, "  verification {}", factor.citation.verification);
                if !factor.notes.is_empty() {
                    let _ = writeln!(out, "  notes        {}", factor.notes);
                }
            }
        }
    }
    emit(&out)
}
