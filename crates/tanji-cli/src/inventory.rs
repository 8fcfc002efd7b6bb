//! `tanji inventory compute` and `tanji factors …`: the inventory engine and factor library without a database.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Serialize;
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table, parse_factor_csv};
use tanji_ghg::{EmissionFactor, FactorCategory, FactorLibrary, FactorOwner, FactorQuery, GwpSet};
use tanji_inventory::{
    BaseYearComparison, Inventory, InventoryFile, InventoryInput, IsoCategory, LineStatus, RecalculationAssessment,
    Reference, RowError, Severity, assess_recalculation, calculate, compare_with_base_year, parse_activity_csv,
};

use crate::options::{
    FactorsCommand, FactorsSearchArgs, FactorsShowArgs, InventoryCommand, InventoryComputeArgs, ReportFormat,
};

pub fn inventory(command: InventoryCommand) -> anyhow::Result<()> {
    match command {
        InventoryCommand::Compute(args) => compute(args),
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

fn row_errors(errors: &[RowError]) -> anyhow::Error {
    let shown: Vec<String> = errors.iter().take(50).map(ToString::to_string).collect();
    let more = if errors.len() > 50 { format!("\n… and {} more", errors.len() - 50) } else { String::new() };
    anyhow::anyhow!("{} problem(s); nothing was computed:\n{}{more}", errors.len(), shown.join("\n"))
}

/// CSV text as Excel writes it (UTF-8 or GBK), with the domain's message on failure.
fn decode_csv(display: &str, bytes: &[u8]) -> anyhow::Result<String> {
    tanji_inventory::decode_csv(display, bytes)
        .map(|text| text.into_owned())
        .map_err(|error| anyhow::anyhow!("{error}"))
}

/// The inventory input and reference library built from an inventory file and the files it names.
pub struct LoadedInventory {
    pub file: InventoryFile,
    pub input: InventoryInput,
    pub library: FactorLibrary,
}

/// Read an inventory file and what it names; `gwp_override` wins over the file's `gwp`.
pub fn load_inventory_file(path: &Path, gwp_override: Option<GwpSet>) -> anyhow::Result<LoadedInventory> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {display}"))?;
    let file = InventoryFile::parse(&display, &text).map_err(|errors| row_errors(&errors))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut library = factor_library().clone();
    if let Some(factors_csv) = &file.factors_csv {
        let factors_path = base.join(factors_csv);
        let factors_display = factors_path.display().to_string();
        let factors_text =
            std::fs::read_to_string(&factors_path).with_context(|| format!("reading {factors_display}"))?;
        let own =
            parse_factor_csv(&factors_display, &factors_text, &FactorOwner::Organisation(file.organisation.clone()))
                .map_err(|errors| {
                    anyhow::anyhow!(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
                })?;
        for factor in own {
            if factor_library().latest(&factor.id).is_some() {
                bail!(
                    "{factors_display}: factor id “{}” is a bundled factor\n  hint: give your own factors their own ids, \
                     e.g. prefixed with your organisation",
                    factor.id
                );
            }
            library.add(factor).with_context(|| format!("adding the factors of {factors_display}"))?;
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
        let csv_bytes = std::fs::read(&csv_path).with_context(|| format!("reading {csv_display}"))?;
        let csv_text = decode_csv(&csv_display, &csv_bytes)?;
        let progress = (csv_text.len() > 2_000_000).then(|| {
            let bar = indicatif::ProgressBar::new(csv_text.lines().count().saturating_sub(1) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(format!("reading {csv_display}"));
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
        return Err(row_errors(&errors));
    }
    let Some(gwp_set) = gwp_override.or(file.gwp_set) else {
        bail!("{display}: no GWP set given\n  hint: add `gwp = \"AR6\"` to the file or pass --gwp AR6");
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

fn compute(args: InventoryComputeArgs) -> anyhow::Result<()> {
    let gwp_override = args.gwp.as_deref().map(str::parse::<GwpSet>).transpose()?;
    let loaded = load_inventory_file(&args.file, gwp_override)?;
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
    let n_failed = inventory.lines.iter().filter(|line| line.status == LineStatus::Failed).count();
    let report = ComputeReport { inventory, base_year, recalculation };
    match args.format {
        ReportFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
        ReportFormat::Table => emit(&table(&report))?,
    }
    if args.strict && n_failed > 0 {
        eprintln!("error: {n_failed} record(s) could not be calculated (see diagnostics)");
        std::process::exit(2);
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

fn tonnes(kg: f64) -> String {
    format!("{:.3}", kg / 1000.0)
}

fn table(report: &ComputeReport) -> String {
    let inventory = &report.inventory;
    let totals = &inventory.totals;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — GHG inventory {} to {}",
        inventory.organisation, inventory.period_start, inventory.period_end
    );
    let _ = writeln!(
        out,
        "GWP set {} · consolidation {} · {} lines · {} factor versions pinned\n",
        inventory.gwp_set,
        inventory.consolidation.key(),
        inventory.lines.len(),
        inventory.factors_used.len()
    );
    let _ = writeln!(out, "{:<44} {:>16}", "total", "t CO2e");
    for (label, kg) in [
        ("Scope 1", totals.scope1_kg),
        ("Scope 2 (location-based)", totals.scope2_location_kg),
        ("Scope 2 (market-based)", totals.scope2_market_kg),
        ("Scope 3", totals.scope3_kg),
        ("Total (location-based scope 2)", totals.total_location_kg),
        ("Total (market-based scope 2)", totals.total_market_kg),
        ("China guideline net (exports deducted)", totals.china_guideline_net_kg),
        ("Biogenic CO2 (reported apart)", totals.biogenic_co2_kg),
        ("Memo: non-Kyoto gases", totals.memo_co2e_kg),
    ] {
        let _ = writeln!(out, "{label:<44} {:>16}", tonnes(kg));
    }
    if let Some(percent) = totals.uncertainty_percent {
        let _ = writeln!(
            out,
            "{:<44} {:>15.1}%",
            format!("Uncertainty (95 %, {} lines without)", totals.n_lines_without_uncertainty),
            percent
        );
    }
    let _ = writeln!(out, "\n{:<44} {:>16}", "ISO 14064-1 category", "t CO2e");
    for category in IsoCategory::ALL {
        let kg = totals.by_iso_category.get(&category.number()).copied().unwrap_or(0.0);
        let _ = writeln!(out, "{:<44} {:>16}", category.label_en(), tonnes(kg));
    }
    if !totals.by_scope3_category.is_empty() {
        let _ = writeln!(out, "\n{:<44} {:>16}", "Scope 3 category", "t CO2e");
        for (category, kg) in &totals.by_scope3_category {
            let label =
                tanji_inventory::Scope3Category::new(*category).map(|category| category.label_en()).unwrap_or("?");
            let _ = writeln!(out, "{label:<44} {:>16}", tonnes(*kg));
        }
    }
    let _ = writeln!(out, "\n{:<44} {:>16}", "gas", "t CO2e");
    for (gas, kg) in &totals.by_gas_group {
        let _ = writeln!(out, "{gas:<44} {:>16}", tonnes(*kg));
    }
    let _ = writeln!(out, "\n{:<44} {:>16}", "facility", "t CO2e");
    for (facility, kg) in &totals.by_facility {
        let _ = writeln!(out, "{facility:<44} {:>16}", tonnes(*kg));
    }
    let _ = writeln!(out, "\n{:<44} {:>16}", "month", "t CO2e");
    for (month, kg) in &totals.by_month {
        let _ = writeln!(out, "{month:<44} {:>16}", tonnes(*kg));
    }
    if let Some(base) = &report.base_year {
        let _ = writeln!(
            out,
            "\nBase year ({}) under today's boundary: {} t CO2e",
            base.policy.label(),
            tonnes(base.base_total_location_kg)
        );
        if let Some(change) = base.change_percent {
            let _ = writeln!(out, "Change since base year: {change:+.1} %");
        }
    }
    if let Some(recalculation) = &report.recalculation {
        let _ = writeln!(out, "Recalculation: {}", recalculation.explanation);
    }
    let _ = writeln!(out, "\nlines (t CO2e; status; formula)");
    for line in &inventory.lines {
        let status = match &line.status {
            LineStatus::Counted => "counted".to_owned(),
            LineStatus::Superseded { by_record, by_source } => {
                format!("superseded by {by_record} ({})", by_source.key())
            }
            LineStatus::Failed => "FAILED".to_owned(),
            LineStatus::Excluded { reason } => format!("excluded: {reason}"),
        };
        let _ = writeln!(
            out,
            "  {} · {} · {} · {} · {} t · {}",
            line.record_id,
            line.facility,
            line.source.key(),
            line.quantity_entered,
            tonnes(line.co2e_kg),
            status
        );
        for parameter in &line.parameters {
            let _ = writeln!(out, "      {parameter}");
        }
        if !line.formula.is_empty() {
            let _ = writeln!(out, "      {}", line.formula);
        }
        for factor in &line.factors {
            let _ = writeln!(
                out,
                "      factor {} — {} ({}, {})",
                factor.reference, factor.citation, factor.region, factor.year
            );
        }
    }
    if !inventory.diagnostics.is_empty() {
        let _ = writeln!(out, "\ndiagnostics");
        for diagnostic in &inventory.diagnostics {
            let severity = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let record = diagnostic.record_id.as_deref().map(|id| format!("{id}: ")).unwrap_or_default();
            let _ = writeln!(out, "  {severity}: {record}{}", diagnostic.message);
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
