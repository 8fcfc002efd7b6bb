//! `tanji footprint compute FILE` and `tanji lca export FILE`: product footprints from a footprint file, no database.

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::Path;

use anyhow::{Context as _, anyhow};
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_footprint::{
    Comparison, Footprint, FootprintError, FootprintFile, MonteCarloRequest, ProductModel, Stage, TreeNode, compare,
    compute, figure, monte_carlo, parse_footprint_file,
};
use tanji_ghg::bundled::{factor_library, gwp_table};
use tanji_lca::{CoordinateMatrix, Entry, matrix_market};

use crate::inventory::emit;
use crate::options::{FootprintCommand, FootprintComputeArgs, LcaExportArgs, ReportFormat};

pub fn footprint(command: FootprintCommand) -> anyhow::Result<()> {
    match command {
        FootprintCommand::Compute(args) => compute_file(args),
    }
}

/// What `footprint compute --format json` prints.
#[derive(Serialize)]
struct Report {
    footprint: Footprint,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Footprint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<Comparison>,
}

/// Read and parse a footprint file; errors name the file, where in it, and the fix.
pub fn read_footprint_file(path: &Path) -> anyhow::Result<FootprintFile> {
    let display = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|error| anyhow!("{display}: cannot read the file: {error}\n  hint: check the path"))?;
    parse_footprint_file(&text).map_err(|problems| anyhow!("{display}: {}", problem_lines(&problems.problems)))
}

fn problem_lines(problems: &[tanji_footprint::Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("{}: {}\n  hint: {}", problem.path, problem.message, problem.hint))
        .collect::<Vec<_>>()
        .join("\n")
}

fn footprint_error(path: &Path, which: &str, error: FootprintError) -> anyhow::Error {
    match error {
        FootprintError::Model(problems) => {
            anyhow!("{} ({which}): {}", path.display(), problem_lines(&problems.problems))
        }
        other => anyhow!("{} ({which}): {other}", path.display()),
    }
}

fn compute_model(
    path: &Path,
    which: &str,
    model: &ProductModel,
    args: &FootprintComputeArgs,
) -> anyhow::Result<Footprint> {
    let mut footprint =
        compute(model, factor_library(), gwp_table()).map_err(|error| footprint_error(path, which, error))?;
    if let Some(iterations) = args.monte_carlo {
        let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
        let request = MonteCarloRequest { iterations, seed: args.seed, threads };
        footprint.uncertainty = Some(
            monte_carlo(model, factor_library(), gwp_table(), request)
                .map_err(|error| footprint_error(path, which, error))?,
        );
    }
    Ok(footprint)
}

fn compute_file(args: FootprintComputeArgs) -> anyhow::Result<()> {
    if args.monte_carlo == Some(0) {
        return Err(anyhow!("--monte-carlo 0: a Monte Carlo analysis needs at least one iteration\n  hint: try 1000"));
    }
    let file = read_footprint_file(&args.file)?;
    let footprint = compute_model(&args.file, "product", &file.model, &args)?;
    let baseline =
        file.baseline.as_ref().map(|model| compute_model(&args.file, "baseline", model, &args)).transpose()?;
    let comparison = baseline
        .as_ref()
        .map(|baseline| compare(&footprint, baseline))
        .transpose()
        .map_err(|problems| anyhow!("{}: {}", args.file.display(), problem_lines(&problems.problems)))?;
    let report = Report { footprint, baseline, comparison };
    match args.format {
        ReportFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&report)?)),
        ReportFormat::Table => emit(&table(&report)),
    }
}

fn kg(value: f64) -> String {
    format!("{} kg CO2e", figure(value))
}

fn table(report: &Report) -> String {
    let footprint = &report.footprint;
    let product = &footprint.product;
    let unit = &product.declared_unit;
    let mut out = String::new();
    let _ = writeln!(out, "{} / {} ({})", product.name_zh, product.name_en, product.sku);
    let _ = writeln!(
        out,
        "Product carbon footprint (ISO 14067), {} {} ({}), GWP {}, {} to {}\n",
        figure(unit.amount),
        unit.unit,
        unit.name_en,
        footprint.gwp_set,
        product.reference_period_start,
        product.reference_period_end
    );
    let _ = writeln!(out, "  total                        {}", kg(footprint.total_kg_co2e));
    if let Some(spread) = &footprint.uncertainty {
        let _ = writeln!(
            out,
            "  95 % range                   {} – {} (median {}; Monte Carlo, {} iterations, seed {})",
            figure(spread.p2_5_kg_co2e),
            figure(spread.p97_5_kg_co2e),
            figure(spread.p50_kg_co2e),
            spread.iterations,
            spread.seed
        );
    }
    let _ = writeln!(out, "  excluding biogenic uptake    {}", kg(footprint.excluding_biogenic_uptake_kg_co2e));
    let _ = writeln!(out, "  fossil                       {}", kg(footprint.fossil_kg_co2e));
    let _ = writeln!(out, "  biogenic emissions           {}", kg(footprint.biogenic_emissions_kg_co2e));
    let _ = writeln!(out, "  biogenic removals            {}", kg(footprint.biogenic_removals_kg_co2e));
    let _ = writeln!(out, "  land-use change              {}", kg(footprint.land_use_change_kg_co2e));
    let _ = writeln!(out, "  primary data share           {:.1} %", footprint.primary_data_share_percent);
    if let Some(quality) = &footprint.data_quality {
        let _ = writeln!(
            out,
            "  data quality (1 best–5)      technological {:.1}, temporal {:.1}, geographical {:.1} ({:.0} % rated)",
            quality.technological, quality.temporal, quality.geographical, quality.coverage_percent
        );
    }

    let _ = writeln!(out, "\nBy life-cycle stage");
    for stage in &footprint.by_stage {
        let _ = writeln!(
            out,
            "  {:<26} {:>14}  {:>6.1} %",
            stage.stage.name_en(),
            figure(stage.kg_co2e),
            stage.share_percent
        );
    }
    let _ = writeln!(out, "\nBy process");
    for process in &footprint.by_process {
        let _ = writeln!(
            out,
            "  {:<26} {:>14}  {:>6.1} %  {}",
            process.process,
            figure(process.kg_co2e),
            process.share_percent,
            process.name_en
        );
    }
    let _ = writeln!(out, "\nBy gas");
    for gas in &footprint.by_gas {
        let mass = gas.kg_gas.map(|kg| format!("{} kg", figure(kg))).unwrap_or_else(|| "pre-characterised".to_owned());
        let _ =
            writeln!(out, "  {:<10} {:<16} {:>14} kg CO2e  ({mass})", gas.gas, gas.origin.key(), figure(gas.kg_co2e));
    }
    if let (Some(baseline), Some(comparison)) = (&report.baseline, &report.comparison) {
        let _ = writeln!(
            out,
            "\nCompared with the baseline {} / {}: {} → {}, {} lower ({:.1} %)",
            baseline.product.name_zh,
            baseline.product.name_en,
            kg(comparison.baseline_kg_co2e),
            kg(comparison.product_kg_co2e),
            kg(comparison.reduction_kg_co2e),
            comparison.reduction_percent
        );
        for stage in &comparison.by_stage {
            if stage.product_kg_co2e != 0.0 || stage.baseline_kg_co2e != 0.0 {
                let _ = writeln!(
                    out,
                    "  {:<26} {:>14} → {:>14}  ({} reduced)",
                    stage.stage.name_en(),
                    figure(stage.baseline_kg_co2e),
                    figure(stage.product_kg_co2e),
                    figure(stage.reduction_kg_co2e)
                );
            }
        }
    }
    if !footprint.allocations.is_empty() {
        let _ = writeln!(out, "\nAllocation");
        for record in &footprint.allocations {
            let shares: Vec<String> =
                record.shares.iter().map(|(product, share)| format!("{product} {:.1} %", share * 100.0)).collect();
            let hierarchy =
                if record.follows_hierarchy { "follows the ISO 14067 hierarchy" } else { "departs from the hierarchy" };
            let _ = writeln!(out, "  {}: {} ({hierarchy}): {}", record.process, record.method, shares.join(", "));
            if let Some(reason) = &record.reason {
                let _ = writeln!(out, "    reason: {reason}");
            }
        }
    }
    let exemptions = &footprint.exemptions;
    let _ = writeln!(
        out,
        "\nCut-off: {} exempted item(s), estimated {} ({:.2} % of the footprint; limit {} %){}",
        exemptions.items.len(),
        kg(exemptions.exempted_kg_co2e),
        exemptions.exempted_percent,
        figure(exemptions.max_exempted_percent),
        if exemptions.within_limit { "" } else { " — OVER THE LIMIT" }
    );
    for item in &exemptions.items {
        let _ = writeln!(
            out,
            "  {} ({}): {} — {}",
            item.name,
            item.stage.name_en(),
            kg(item.estimate_kg_co2e),
            item.reason
        );
    }
    if !footprint.recycling.is_empty() {
        let _ = writeln!(out, "Recycling, cut-off approach (leaves burden-free, no credit):");
        for line in &footprint.recycling {
            let _ = writeln!(out, "  {}: {} kg {}", line.process, figure(line.kg_per_declared_unit), line.material);
        }
    }
    if let Some(spread) = &footprint.uncertainty
        && !spread.drivers.is_empty()
    {
        let _ = writeln!(
            out,
            "\nWhat drives the spread ({} exchanges vary, {} by their data-quality ratings; {} iterative solves, {} direct fall-backs)",
            spread.uncertain_exchanges, spread.pedigree_derived, spread.iterative_solves, spread.direct_fallbacks
        );
        for driver in spread.drivers.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:>5.1} %  {} · {} ({})",
                driver.variance_share * 100.0,
                driver.process,
                driver.description,
                driver.path
            );
        }
    }
    let _ = writeln!(out, "\nSupply chain (cumulative kg CO2e per declared unit; branches below the cut-off folded)");
    tree_lines(&footprint.supply_tree, 1, &mut out);
    let _ = writeln!(out, "\nExchanges");
    for line in &footprint.lines {
        let _ = writeln!(out, "  {:<28} {:<13} {}", line.path, stage_key(line.stage), line.formula);
    }
    let _ = writeln!(out, "\nFactors");
    for factor in &footprint.factors {
        let _ = writeln!(
            out,
            "  {}  {} — {} ({}; {})",
            factor.factor,
            factor.name_en,
            factor.citation,
            factor.licence,
            factor.verification.split(':').next().unwrap_or_default()
        );
    }
    for note in &footprint.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn stage_key(stage: Stage) -> &'static str {
    stage.key()
}

fn tree_lines(node: &TreeNode, depth: usize, out: &mut String) {
    let _ = writeln!(
        out,
        "{}{} — {} {} → {}{}",
        "  ".repeat(depth),
        node.name,
        figure(node.amount),
        node.unit,
        figure(node.kg_co2e),
        if node.kind == "loop" { " (loop)" } else { "" }
    );
    for child in &node.children {
        tree_lines(child, depth + 1, out);
    }
}

/// `tanji lca export FILE --out DIR`.
pub fn export(args: LcaExportArgs) -> anyhow::Result<()> {
    let file = read_footprint_file(&args.file)?;
    let model = if args.baseline {
        file.baseline.as_ref().ok_or_else(|| {
            anyhow!("{}: the file has no [baseline]\n  hint: leave out --baseline", args.file.display())
        })?
    } else {
        &file.model
    };
    let built = tanji_footprint::build::build(model, factor_library(), gwp_table())
        .map_err(|problems| anyhow!("{}: {}", args.file.display(), problem_lines(&problems.problems)))?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let system = &built.system;
    let n = system.n_processes();
    let characterization: Vec<Entry> = system
        .characterization()
        .iter()
        .enumerate()
        .filter(|(_, factor)| **factor != 0.0)
        .map(|(row_idx, factor)| Entry { row_idx, col_idx: 0, value: *factor })
        .collect();
    let files = [
        ("A.mtx", CoordinateMatrix { n_rows: n, n_cols: n, entries: system.technosphere().to_vec() }),
        ("B.mtx", CoordinateMatrix { n_rows: system.n_flows(), n_cols: n, entries: system.biosphere().to_vec() }),
        ("c.mtx", CoordinateMatrix { n_rows: system.n_flows(), n_cols: 1, entries: characterization }),
    ];
    for (name, matrix) in &files {
        write(&args.out.join(name), &matrix_market::write(matrix))?;
    }
    let mut products = CsvTable::new(&["column", "kind", "name", "reference"]);
    for (column, _) in built.columns.iter().enumerate() {
        let name = tanji_footprint::build::column_label(model, &built, column);
        let reference = if column == built.reference_column { "yes" } else { "" };
        products.row([Cell::from(column + 1), Cell::text(name.0), Cell::text(name.1), Cell::text(reference)]);
    }
    write(&args.out.join("products.csv"), &products.into_string())?;
    let mut flows = CsvTable::new(&["row", "gas", "origin"]);
    for (row, flow) in built.flows.iter().enumerate() {
        flows.row([Cell::from(row + 1), Cell::text(flow.gas.to_string()), Cell::text(flow.origin.key())]);
    }
    let flows = flows.into_string();
    write(&args.out.join("flows.csv"), &flows)?;
    eprintln!(
        "wrote A.mtx ({n}×{n}), B.mtx ({}×{n}), c.mtx, products.csv and flows.csv to {}; the product is column {} \
         (one declared unit = {} of its units):\n  tanji lca solve --technosphere {dir}/A.mtx --biosphere {dir}/B.mtx \
         --characterization {dir}/c.mtx --demand {}",
        system.n_flows(),
        args.out.display(),
        built.reference_column + 1,
        figure(built.reference_amount),
        built.reference_column + 1,
        dir = args.out.display(),
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
