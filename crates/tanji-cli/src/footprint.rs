//! `tanji footprint compute FILE` and `tanji lca export FILE`: product footprints from a footprint file, no database.

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::Path;

use anyhow::{Context as _, anyhow};
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_footprint::{
    Comparison, Footprint, FootprintError, FootprintFile, MonteCarloRequest, ProductModel, Stage, TreeNode, compare,
    compute, figure, monte_carlo,
};
use tanji_ghg::bundled::{factor_library, gwp_table};
use tanji_i18n::footprint::{Hint, location};
use tanji_i18n::{Language, Localize as _, text};
use tanji_label::text::{MassUnit, format_mass_kg, format_significant};
use tanji_lca::{CoordinateMatrix, Entry, matrix_market};

use crate::inventory::emit;
use crate::options::{FootprintCommand, FootprintComputeArgs, LcaExportArgs, ReportFormat};
use crate::table::pad_end as pad;

pub fn footprint(command: FootprintCommand, language: Language) -> anyhow::Result<()> {
    match command {
        FootprintCommand::Compute(args) => compute_file(args, language),
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
    /// The footprint's notes in the chosen language, each with its code (the codes are in `footprint.notes`).
    notes: Vec<String>,
}

/// Read and parse a footprint file and check its models; every problem is reported at once, each naming the file,
/// where in it, and the fix.
pub fn read_footprint_file(path: &Path, language: Language) -> anyhow::Result<FootprintFile> {
    let display = path.display();
    // The system's reason is English: a Chinese reader gets the file and the fix.
    let bytes = std::fs::read(path).map_err(|error| match language {
        Language::SimplifiedChinese => anyhow!("{display}：无法读取文件\n  提示：检查路径和读取权限"),
        Language::English => anyhow!("{display}: cannot read the file: {error}\n  hint: check the path"),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        let not_text = tanji_footprint::Problem::new("file", tanji_footprint::ProblemKind::NotUtf8);
        anyhow!("{display}: {}", problem_lines(&[not_text], language))
    })?;
    tanji_footprint::read_footprint_file(&text, factor_library(), gwp_table())
        .map_err(|problems| anyhow!("{display}: {}", problem_lines(&problems.problems, language)))
}

/// Every problem once, each on its own line with its fix: "line 12, processes[0].factors[1].amount: … / hint: …".
pub fn problem_lines(problems: &[tanji_footprint::Problem], language: Language) -> String {
    let count = problems.len();
    let heading = match (language, count) {
        (Language::SimplifiedChinese, _) => format!("{count} 个问题"),
        (Language::English, 1) => "1 problem".to_owned(),
        (Language::English, _) => format!("{count} problems"),
    };
    let (hint_label, colon) = match language {
        Language::SimplifiedChinese => ("提示", "："),
        Language::English => ("hint", ": "),
    };
    let lines: Vec<String> = problems
        .iter()
        .map(|problem| {
            format!(
                "  {}{colon}{}\n    {hint_label}{colon}{}",
                location(problem, language),
                problem.localize(language),
                Hint(&problem.kind).localize(language)
            )
        })
        .collect();
    format!("{heading}\n{}", lines.join("\n"))
}

fn footprint_error(path: &Path, which: &str, error: FootprintError, language: Language) -> anyhow::Error {
    match error {
        FootprintError::Model(problems) => {
            anyhow!("{} ({which}): {}", path.display(), problem_lines(&problems.problems, language))
        }
    }
}

fn compute_model(
    path: &Path,
    which: &str,
    model: &ProductModel,
    args: &FootprintComputeArgs,
    language: Language,
) -> anyhow::Result<Footprint> {
    let mut footprint =
        compute(model, factor_library(), gwp_table()).map_err(|error| footprint_error(path, which, error, language))?;
    if let Some(iterations) = args.monte_carlo {
        let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
        let request = MonteCarloRequest { iterations, seed: args.seed, threads };
        footprint.uncertainty = Some(
            monte_carlo(model, factor_library(), gwp_table(), request)
                .map_err(|error| footprint_error(path, which, error, language))?,
        );
    }
    Ok(footprint)
}

fn compute_file(args: FootprintComputeArgs, language: Language) -> anyhow::Result<()> {
    if args.monte_carlo == Some(0) {
        return Err(match language {
            Language::SimplifiedChinese => anyhow!("--monte-carlo 0：蒙特卡洛分析至少需要一次迭代\n  提示：试试 1000"),
            Language::English => {
                anyhow!("--monte-carlo 0: a Monte Carlo analysis needs at least one iteration\n  hint: try 1000")
            }
        });
    }
    let file = read_footprint_file(&args.file, language)?;
    let (product_label, baseline_label) = match language {
        Language::SimplifiedChinese => ("产品", "基准产品"),
        Language::English => ("product", "baseline"),
    };
    let footprint = compute_model(&args.file, product_label, &file.model, &args, language)?;
    let baseline = file
        .baseline
        .as_ref()
        .map(|model| compute_model(&args.file, baseline_label, model, &args, language))
        .transpose()?;
    let comparison = baseline
        .as_ref()
        .map(|baseline| compare(&footprint, baseline))
        .transpose()
        .map_err(|problems| anyhow!("{}: {}", args.file.display(), problem_lines(&problems.problems, language)))?;
    let notes = footprint.notes.iter().map(|note| note.localize(language)).collect();
    let report = Report { footprint, baseline, comparison, notes };
    match args.format {
        ReportFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&report)?)),
        ReportFormat::Table => emit(&table(&report, language)),
    }
}

/// A mass of CO2e for people: three significant figures in g, kg or t, no float noise (a value below a
/// millionth of the scale it sits in is 0).
fn co2e(kg: f64, scale_kg: f64) -> String {
    let kg = if kg.abs() <= 1e-9 * scale_kg.abs() { 0.0 } else { kg };
    if kg == 0.0 {
        // Zero in the unit the rest of the report uses, not "0 kg" among grams.
        return format!("0 {} CO2e", MassUnit::for_kg(scale_kg).symbol());
    }
    format!("{} CO2e", format_mass_kg(kg))
}

/// Metric units that read best, in the order tried (largest first): an amount is shown in the first unit in which it
/// is at least 1, so 0.0000105 t reads 10.5 g and US factors' short tons and ton-miles read in t and t·km.
const READABLE_UNITS: [(&str, &[&str]); 9] = [
    ("t", &["t", "kg", "g"]),
    ("kg", &["kg", "g"]),
    ("short_ton", &["t", "kg", "g"]),
    ("short_ton_mile", &["t.km"]),
    ("mile", &["km", "m"]),
    ("TJ", &["GJ", "MJ", "kJ"]),
    ("GJ", &["GJ", "MJ", "kJ"]),
    ("MWh", &["MWh", "kWh", "Wh"]),
    ("kWh", &["kWh", "Wh"]),
];

/// An amount in the metric unit that reads best, and the factor to convert from the given unit.
fn readable(amount: f64, unit: &str) -> (f64, String, f64) {
    let Some((_, candidates)) = READABLE_UNITS.iter().find(|(from, _)| *from == unit) else {
        return (amount, unit.to_owned(), 1.0);
    };
    let Ok(from) = tanji_units::Unit::parse(unit) else { return (amount, unit.to_owned(), 1.0) };
    let mut chosen = (amount, unit.to_owned(), 1.0);
    for candidate in candidates.iter() {
        let Some(conversion) =
            tanji_units::Unit::parse(candidate).ok().and_then(|to| from.conversion_factor_to(&to).ok())
        else {
            continue;
        };
        chosen = (amount * conversion, (*candidate).replace(".km", "·km"), conversion);
        if (amount * conversion).abs() >= 1.0 || amount == 0.0 {
            break;
        }
    }
    chosen
}

fn amount_text(amount: f64, unit: &str) -> String {
    let (value, unit, _) = readable(amount, unit);
    format!("{} {unit}", format_significant(value, 4))
}

/// One exchange's arithmetic for people: the amount in a readable metric unit, the factor per that unit, the result.
fn formula_text(line: &tanji_footprint::Line, scale: f64, language: Language) -> String {
    let result = co2e(line.kg_co2e, scale);
    if line.kind == "emission" {
        let gas = line.unit.trim_start_matches("kg ").to_owned();
        return format!(
            "{} {gas} × GWP {} = {result}",
            format_mass_kg(line.amount),
            format_significant(line.kg_co2e_per_unit, 4)
        );
    }
    let (mut value, mut unit, mut conversion) = readable(line.amount, &line.unit);
    if unit == "g" {
        // A factor per gram reads oddly (0.002959 kg CO2e/g); masses in a formula stay in kg.
        (value, unit, conversion) = (value / 1000.0, "kg".to_owned(), conversion / 1000.0);
    }
    let per_unit = if conversion != 0.0 { line.kg_co2e_per_unit / conversion } else { line.kg_co2e_per_unit };
    let entered = match &line.formula {
        tanji_footprint::LineFormula::Exchange { entered: Some(entered), .. } => {
            text!(language, zh: "（每次运行录入：{entered}）", en: " (entered per run: {entered})")
        }
        _ => String::new(),
    };
    format!(
        "{} {unit} × {} kg CO2e/{unit} = {result}{entered}",
        format_significant(value, 4),
        format_significant(per_unit, 4)
    )
}

/// A number for people: at most four significant figures, float noise removed relative to `scale`.
fn number(value: f64, scale: f64) -> String {
    let value = if value.abs() <= 1e-9 * scale.abs() { 0.0 } else { value };
    format_significant(value, 4)
}

fn percent(value: f64) -> String {
    let value = if value.abs() < 0.05 { 0.0 } else { value };
    format!("{value:.1} %").replace('-', "\u{2212}")
}

fn stage_name(stage: Stage, language: Language) -> &'static str {
    match language {
        Language::SimplifiedChinese => stage.name_zh(),
        Language::English => stage.name_en(),
    }
}

fn table(report: &Report, language: Language) -> String {
    let zh = language == Language::SimplifiedChinese;
    let footprint = &report.footprint;
    let scale = footprint.lines.iter().map(|line| line.kg_co2e.abs()).fold(footprint.total_kg_co2e.abs(), f64::max);
    let kg = |value: f64| co2e(value, scale);
    let product = &footprint.product;
    let unit = &product.declared_unit;
    let mut out = String::new();
    let (name_zh, name_en, sku) = (&product.name_zh, &product.name_en, &product.sku);
    let _ =
        writeln!(out, "{}", text!(language, zh: "{name_zh} / {name_en}（{sku}）", en: "{name_zh} / {name_en} ({sku})"));
    let (amount, period_start, period_end, gwp) = (
        number(unit.amount, unit.amount),
        &product.reference_period_start,
        &product.reference_period_end,
        &footprint.gwp_set,
    );
    if zh {
        let _ = writeln!(
            out,
            "产品碳足迹（ISO 14067），声明单位 {amount} {}（{}），GWP {gwp}，{period_start} 至 {period_end}\n",
            unit.unit, unit.name_zh
        );
    } else {
        let _ = writeln!(
            out,
            "Product carbon footprint (ISO 14067), {amount} {} ({}), GWP {gwp}, {period_start} to {period_end}\n",
            unit.unit, unit.name_en
        );
    }
    let row = |out: &mut String, label_zh: &str, label_en: &str, value: String| {
        let label = if zh { label_zh } else { label_en };
        let _ = writeln!(out, "  {} {value}", pad(label, 28));
    };
    row(&mut out, "总计", "total", kg(footprint.total_kg_co2e));
    if let Some(spread) = &footprint.uncertainty {
        let (low, high, median) = (kg(spread.p2_5_kg_co2e), kg(spread.p97_5_kg_co2e), kg(spread.p50_kg_co2e));
        let (iterations, seed) = (spread.iterations, spread.seed);
        let value = if zh {
            format!("{low} – {high}（中位数 {median}；蒙特卡洛 {iterations} 次，种子 {seed}）")
        } else {
            format!("{low} – {high} (median {median}; Monte Carlo, {iterations} iterations, seed {seed})")
        };
        row(&mut out, "95 % 区间", "95 % range", value);
    }
    row(&mut out, "不含生物源吸收", "excluding biogenic uptake", kg(footprint.excluding_biogenic_uptake_kg_co2e));
    row(&mut out, "化石", "fossil", kg(footprint.fossil_kg_co2e));
    row(&mut out, "生物源排放", "biogenic emissions", kg(footprint.biogenic_emissions_kg_co2e));
    row(&mut out, "生物源清除", "biogenic removals", kg(footprint.biogenic_removals_kg_co2e));
    row(&mut out, "土地利用变化", "land-use change", kg(footprint.land_use_change_kg_co2e));
    row(&mut out, "初级数据占比（PACT）", "primary data share (PACT)", percent(footprint.primary_data_share_percent));
    if let Some(quality) = &footprint.data_quality {
        let value = if zh {
            format!(
                "技术 {:.1}，时间 {:.1}，地理 {:.1}（{:.0} % 有评分）",
                quality.technological, quality.temporal, quality.geographical, quality.coverage_percent
            )
        } else {
            format!(
                "technological {:.1}, temporal {:.1}, geographical {:.1} ({:.0} % rated)",
                quality.technological, quality.temporal, quality.geographical, quality.coverage_percent
            )
        };
        row(&mut out, "数据质量（1 最好–5）", "data quality (1 best–5)", value);
    }

    let _ = writeln!(out, "\n{}", if zh { "按生命周期阶段" } else { "By life-cycle stage" });
    for stage in &footprint.by_stage {
        let _ = writeln!(
            out,
            "  {} {:>16}  {:>8}",
            pad(stage_name(stage.stage, language), 26),
            kg(stage.kg_co2e),
            percent(stage.share_percent)
        );
    }
    let _ = writeln!(out, "\n{}", if zh { "按过程" } else { "By process" });
    for process in &footprint.by_process {
        let name = if zh { &process.name_zh } else { &process.name_en };
        let _ = writeln!(
            out,
            "  {} {:>16}  {:>8}  {name}",
            pad(&process.process, 26),
            kg(process.kg_co2e),
            percent(process.share_percent)
        );
    }
    let _ = writeln!(out, "\n{}", if zh { "按气体" } else { "By gas" });
    for gas in &footprint.by_gas {
        let mass = gas
            .kg_gas
            .map(|kg_gas| format!("{} {}", format_mass_kg(kg_gas), gas.gas))
            .unwrap_or_else(|| text!(language, zh: "已特征化", en: "pre-characterised"));
        // Full-width brackets in Chinese, as the console writes them.
        let mass = text!(language, zh: "（{mass}）", en: "({mass})");
        let _ = writeln!(
            out,
            "  {} {} {:>16}  {mass}",
            pad(&gas.gas, 10),
            pad(&gas.origin.localize(language), 16),
            kg(gas.kg_co2e)
        );
    }
    if let (Some(baseline), Some(comparison)) = (&report.baseline, &report.comparison) {
        let (from, to, reduced) =
            (kg(comparison.baseline_kg_co2e), kg(comparison.product_kg_co2e), kg(comparison.reduction_kg_co2e));
        let share = percent(comparison.reduction_percent);
        if zh {
            let _ = writeln!(
                out,
                "\n与基准产品 {} 相比：{from} → {to}，降低 {reduced}（{share}）",
                baseline.product.name_zh
            );
        } else {
            let _ = writeln!(
                out,
                "\nCompared with the baseline {}: {from} → {to}, {reduced} lower ({share})",
                baseline.product.name_en
            );
        }
        for stage in &comparison.by_stage {
            if stage.product_kg_co2e != 0.0 || stage.baseline_kg_co2e != 0.0 {
                let reduced = kg(stage.reduction_kg_co2e);
                let _ = writeln!(
                    out,
                    "  {} {:>16} → {:>16}  {}",
                    pad(stage_name(stage.stage, language), 26),
                    kg(stage.baseline_kg_co2e),
                    kg(stage.product_kg_co2e),
                    text!(language, zh: "（减少 {reduced}）", en: "(reduced {reduced})")
                );
            }
        }
    }
    if !footprint.allocations.is_empty() {
        let _ = writeln!(out, "\n{}", if zh { "分配" } else { "Allocation" });
        for record in &footprint.allocations {
            let shares: Vec<String> =
                record.shares.iter().map(|(product, share)| format!("{product} {}", percent(share * 100.0))).collect();
            let method = tanji_i18n::footprint::allocation_method(&record.method, language);
            let hierarchy = match (record.follows_hierarchy, zh) {
                (true, true) => "符合 ISO 14067 分配层级",
                (false, true) => "偏离分配层级",
                (true, false) => "follows the ISO 14067 hierarchy",
                (false, false) => "departs from the hierarchy",
            };
            let (process, shares) = (&record.process, shares.join(", "));
            let _ = writeln!(
                out,
                "  {}",
                text!(language, zh: "{process}：{method}（{hierarchy}）：{shares}", en: "{process}: {method} ({hierarchy}): {shares}")
            );
            if let Some(parent) = record.subdivision_parent() {
                let _ = writeln!(out, "    {}", tanji_i18n::footprint::subdivided_from(parent, language));
            }
            if let Some(reason) = record.modeller_reason() {
                let _ = writeln!(out, "    {}", text!(language, zh: "理由：{reason}", en: "reason: {reason}"));
            }
        }
    }
    let exemptions = &footprint.exemptions;
    let (n_items, estimate, share, limit) = (
        exemptions.items.len(),
        kg(exemptions.exempted_kg_co2e),
        format!("{:.2} %", exemptions.exempted_percent),
        number(exemptions.max_exempted_percent, 100.0),
    );
    if zh {
        let over = if exemptions.within_limit { "" } else { "——超出上限" };
        let _ = writeln!(out, "\n截断：{n_items} 个豁免项，估计 {estimate}（占足迹 {share}；上限 {limit} %）{over}");
    } else {
        let over = if exemptions.within_limit { "" } else { " — OVER THE LIMIT" };
        let _ = writeln!(
            out,
            "\nCut-off: {n_items} exempted item(s), estimated {estimate} ({share} of the footprint; limit {limit} %){over}"
        );
    }
    for item in &exemptions.items {
        let (name, stage, estimate, reason) =
            (&item.name, stage_name(item.stage, language), kg(item.estimate_kg_co2e), &item.reason);
        let _ = writeln!(
            out,
            "  {}",
            text!(language, zh: "{name}（{stage}）：{estimate} — {reason}", en: "{name} ({stage}): {estimate} — {reason}")
        );
    }
    if !footprint.recycling.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "回收（截断法：离开时不带负担，也没有抵扣）："
            } else {
                "Recycling, cut-off approach (leaves burden-free, no credit):"
            }
        );
        for line in &footprint.recycling {
            let (process, mass, material) = (&line.process, format_mass_kg(line.kg_per_declared_unit), &line.material);
            let _ = writeln!(
                out,
                "  {}",
                text!(language, zh: "{process}：{mass} {material}", en: "{process}: {mass} {material}")
            );
        }
    }
    if let Some(spread) = &footprint.uncertainty
        && !spread.drivers.is_empty()
    {
        let (varying, pedigree, iterative, direct) =
            (spread.uncertain_exchanges, spread.pedigree_derived, spread.iterative_solves, spread.direct_fallbacks);
        if zh {
            let _ = writeln!(
                out,
                "\n不确定性的主要来源（{varying} 个交换量有变化，其中 {pedigree} 个按数据质量评分；迭代求解 {iterative} 次，直接求解回退 {direct} 次）"
            );
        } else {
            let _ = writeln!(
                out,
                "\nWhat drives the spread ({varying} exchanges vary, {pedigree} by their data-quality ratings; {iterative} iterative solves, {direct} direct fall-backs)"
            );
        }
        for driver in spread.drivers.iter().take(5) {
            let (process, description, path) = (&driver.process, &driver.description, &driver.path);
            let _ = writeln!(
                out,
                "  {:>7}  {}",
                percent(driver.variance_share * 100.0),
                text!(language, zh: "{process} · {description}（{path}）", en: "{process} · {description} ({path})")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        if zh {
            "供应链（每声明单位的累计 CO2e；低于截断阈值的分支已折叠）"
        } else {
            "Supply chain (cumulative CO2e per declared unit; branches below the cut-off folded)"
        }
    );
    tree_lines(&footprint.supply_tree, 1, scale, language, &mut out);
    let _ = writeln!(out, "\n{}", if zh { "交换量" } else { "Exchanges" });
    for line in &footprint.lines {
        let _ = writeln!(
            out,
            "  {} {} {}",
            pad(&line.path, 28),
            pad(stage_name(line.stage, language), 14),
            formula_text(line, scale, language)
        );
    }
    let _ = writeln!(out, "\n{}", if zh { "因子" } else { "Factors" });
    for factor in &footprint.factors {
        let name = if zh { &factor.name_zh } else { &factor.name_en };
        let _ = writeln!(
            out,
            "  {}  {name} — {} ({}; {})",
            factor.factor,
            factor.citation,
            factor.licence,
            factor.verification.split(':').next().unwrap_or_default()
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "{}: {note}", if zh { "说明" } else { "note" });
    }
    out
}

fn tree_lines(node: &TreeNode, depth: usize, scale: f64, language: Language, out: &mut String) {
    let is_loop = node.kind == "loop";
    let loop_mark = match (is_loop, language) {
        (false, _) => "",
        (true, Language::SimplifiedChinese) => "（循环）",
        (true, Language::English) => " (loop)",
    };
    let amount = if node.kind == "other" && node.unit == "items" {
        String::new()
    } else {
        format!(" — {}", amount_text(node.amount, &node.unit))
    };
    let _ = writeln!(
        out,
        "{}{}{amount} → {}{loop_mark}",
        "  ".repeat(depth),
        node.name.localize(language),
        co2e(node.kg_co2e, scale),
    );
    for child in &node.children {
        tree_lines(child, depth + 1, scale, language, out);
    }
}

/// `tanji lca export FILE --out DIR`.
pub fn export(args: LcaExportArgs, language: Language) -> anyhow::Result<()> {
    let file = read_footprint_file(&args.file, language)?;
    let model = if args.baseline {
        file.baseline.as_ref().ok_or_else(|| {
            let file = args.file.display();
            anyhow!(text!(language,
                zh: "{file}：文件中没有 [baseline]\n  提示：去掉 --baseline",
                en: "{file}: the file has no [baseline]\n  hint: leave out --baseline"))
        })?
    } else {
        &file.model
    };
    let built = tanji_footprint::build::build(model, factor_library(), gwp_table())
        .map_err(|problems| anyhow!("{}: {}", args.file.display(), problem_lines(&problems.problems, language)))?;
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
