//! `tanji bench lca`: the LCA engine's benchmark (issue 4). Generates a seeded ecoinvent-sized system, writes it as
//! Matrix Market files with its uncertainty (for `scripts/bench-lca-brightway.py`, which runs Brightway on the same
//! matrices), and times tanji on it: every product's score from a cold start, one demand from a cold start, and Monte
//! Carlo with every uncertain exchange resampled. Figures go to stdout, the details to `DIR/tanji-bench.json`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_lca::monte_carlo::{MonteCarlo, MonteCarloResult, MonteCarloSettings, UncertainEntry, UncertainSystem};
use tanji_lca::synthetic::{SyntheticParameters, generate};
use tanji_lca::uncertainty_file::{self, StatsArrays};
use tanji_lca::{
    CheckedSolver, CoordinateMatrix, Distribution, Entry, MethodChoice, SolveMethod, SolvePolicy, SolveStage, System,
    matrix_market,
};

use tanji_i18n::bench::{BenchStep, BenchText};
use tanji_i18n::{Language, Localize as _};

use crate::inventory::emit;
use crate::options::{BenchCommand, BenchLcaArgs};

pub fn bench(command: BenchCommand, language: Language) -> anyhow::Result<()> {
    match command {
        BenchCommand::Lca(args) => lca(args, language),
        BenchCommand::Energy(args) => crate::bench_energy::energy(args, language),
        // Async, dispatched by `main` before this.
        BenchCommand::Ledger(_) => unreachable!("tanji bench ledger runs in main"),
    }
}

/// Every figure of one run, written to `tanji-bench.json` for the comparison script.
#[derive(Serialize)]
struct Report {
    n_activities: usize,
    n_flows: usize,
    technosphere_entries: usize,
    biosphere_entries: usize,
    characterized_flows: usize,
    seed: u64,
    /// 1-based product column of the one-demand and Monte Carlo figures.
    demand_product: usize,
    threads: usize,
    generate_s: f64,
    /// Median of `repeats` cold runs each (the individual runs are kept too).
    all_products_in_memory_s: Timing,
    all_products_from_files_s: Timing,
    one_demand_in_memory_s: Timing,
    one_demand_from_files_s: Timing,
    one_demand_score: f64,
    /// How the cold runs solved (the solver policy: GMRES steps, or the sparse LU and why).
    all_products_method: Option<SolveMethod>,
    one_demand_method: Option<SolveMethod>,
    /// The same figures by the policy's sparse LU of Aᵀ alone (`--method lu`), once each, for comparison.
    all_products_direct_s: f64,
    one_demand_direct_s: f64,
    /// Of `all_products_direct_s`: the LU's symbolic analysis (AMD ordering of Aᵀ + A) and numeric factorisation.
    lu_analyse_s: f64,
    lu_factorise_s: f64,
    /// Largest relative difference between the iterative and the direct scores of every product.
    iterative_vs_direct_max_relative_difference: f64,
    monte_carlo: MonteCarloReport,
    peak_rss_mib: Option<f64>,
}

#[derive(Serialize)]
struct Timing {
    median: f64,
    runs: Vec<f64>,
}

#[derive(Serialize)]
struct MonteCarloReport {
    iterations: usize,
    /// Factorising the mean system, its adjoint solve and laying out the samplers.
    prepare_s: f64,
    iterations_s: f64,
    iterations_per_s: f64,
    iterations_per_s_including_prepare: f64,
    sampled_technosphere: usize,
    sampled_biosphere: usize,
    result: MonteCarloResult,
}

fn lca(args: BenchLcaArgs, language: Language) -> anyhow::Result<()> {
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let threads = args.threads;
    let step = |step: BenchStep| step.localize(language);
    eprintln!(
        "{}",
        BenchText::LcaStarting {
            n_activities: args.activities,
            seed: args.seed,
            iterations: args.iterations,
            threads: threads.get(),
            directory: out.display().to_string(),
        }
        .localize(language)
    );

    let progress = spinner(&step(BenchStep::GeneratingSystem));
    let started = Instant::now();
    let parameters = SyntheticParameters::scaled(args.activities, args.seed);
    let uncertain = generate(&parameters);
    let generate_s = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    let system = uncertain.system();
    let n = system.n_processes();
    let demand_product = args.demand.unwrap_or(1);
    if demand_product == 0 || demand_product > n {
        return Err(anyhow!(
            "{}",
            BenchText::DemandOutOfRange { demand: demand_product, n_products: n }.localize(language)
        ));
    }
    let demand_idx = demand_product - 1;

    let progress = spinner(&step(BenchStep::WritingMatrices));
    write_files(out, &uncertain)?;
    progress.finish_and_clear();

    // Cold starts: nothing is reused between runs. "In memory" starts from the exchanges as triplets, unsorted and
    // unmerged, as Brightway starts from a datapackage's arrays; "from files" starts from the Matrix Market files.
    let triplets = Triplets::of(&uncertain);
    let repeats = args.repeats.max(1);
    let mut all_scores = Vec::new();
    let mut all_products_method = None;
    let policy = SolvePolicy::default();
    let lu_only = SolvePolicy { method: MethodChoice::Lu, ..SolvePolicy::default() };
    let all_products_in_memory_s = time_runs(repeats, &step(BenchStep::AllProductsInMemory), || {
        let triplets = triplets.clone();
        let started = Instant::now();
        let (scores, method) = CheckedSolver::new(triplets.into_system()?, policy)?.all_scores()?;
        (all_scores, all_products_method) = (scores, Some(method));
        Ok(started.elapsed())
    })?;
    let all_products_from_files_s = time_runs(repeats, &step(BenchStep::AllProductsFromFiles), || {
        let started = Instant::now();
        let (scores, _) = CheckedSolver::new(read_system(out)?, policy)?.all_scores()?;
        let elapsed = started.elapsed();
        anyhow::ensure!(scores == all_scores, "the scores from the files differ from those in memory");
        Ok(elapsed)
    })?;
    let demand = [(demand_idx, 1.0)];
    let mut one_demand_score = f64::NAN;
    let mut one_demand_method = None;
    let one_demand_in_memory_s = time_runs(repeats, &step(BenchStep::OneDemandInMemory), || {
        let triplets = triplets.clone();
        let started = Instant::now();
        let (score, method) = CheckedSolver::new(triplets.into_system()?, policy)?.score(&demand)?;
        (one_demand_score, one_demand_method) = (score, Some(method));
        Ok(started.elapsed())
    })?;
    let one_demand_from_files_s = time_runs(repeats, &step(BenchStep::OneDemandFromFiles), || {
        let started = Instant::now();
        let (score, _) = CheckedSolver::new(read_system(out)?, policy)?.score(&demand)?;
        let elapsed = started.elapsed();
        anyhow::ensure!(score == one_demand_score, "the score from the files differs from the one in memory");
        Ok(elapsed)
    })?;
    // The LU route for comparison (what answers when GMRES does not): one sparse LU of Aᵀ, then the adjoint solve
    // or one demand.
    let mut direct_scores = Vec::new();
    let mut marks: Vec<(SolveStage, Instant)> = Vec::new();
    let all_products_direct_s = time_runs(1, &step(BenchStep::AllProductsSparseLu), || {
        let triplets = triplets.clone();
        let started = Instant::now();
        marks.clear();
        let solver = CheckedSolver::new(triplets.into_system()?, lu_only)?;
        (direct_scores, _) = solver.all_scores_observed(&mut |stage| marks.push((stage, Instant::now())))?;
        Ok(started.elapsed())
    })?
    .median;
    let between = |from: SolveStage, to: SolveStage| -> anyhow::Result<f64> {
        let at = |wanted: SolveStage| {
            marks.iter().find(|(stage, _)| *stage == wanted).map(|(_, at)| *at).context("a stage was not reported")
        };
        Ok((at(to)? - at(from)?).as_secs_f64())
    };
    let lu_analyse_s = between(SolveStage::Analyse, SolveStage::Factorise)?;
    let lu_factorise_s = between(SolveStage::Factorise, SolveStage::Substitute)?;
    let one_demand_direct_s = time_runs(1, &step(BenchStep::OneDemandSparseLu), || {
        let triplets = triplets.clone();
        let started = Instant::now();
        CheckedSolver::new(triplets.into_system()?, lu_only)?.score(&demand)?;
        Ok(started.elapsed())
    })?
    .median;
    let iterative_vs_direct_max_relative_difference = all_scores
        .iter()
        .zip(&direct_scores)
        .map(|(iterative, direct)| {
            (iterative - direct).abs() / iterative.abs().max(direct.abs()).max(f64::MIN_POSITIVE)
        })
        .fold(0.0, f64::max);
    write_scores(out, &all_scores)?;

    let progress = spinner(&step(BenchStep::MonteCarloPreparing));
    let started = Instant::now();
    let monte_carlo = MonteCarlo::new(&uncertain, &[(demand_idx, 1.0)], 20)?;
    let prepare_s = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    let (sampled_technosphere, sampled_biosphere) = monte_carlo.n_sampled();
    let settings = MonteCarloSettings {
        iterations: args.iterations,
        seed: args.seed,
        threads,
        tolerance: args.tolerance,
        ..MonteCarloSettings::default()
    };
    let bar = indicatif::ProgressBar::new(args.iterations as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&BenchText::MonteCarloProgressTemplate.localize(language))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let result = monte_carlo.run_with_progress(&settings, &|| bar.inc(1))?;
    let iterations_s = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    write_monte_carlo_scores(out, &result)?;

    let report = Report {
        n_activities: n,
        n_flows: system.n_flows(),
        technosphere_entries: system.technosphere().len(),
        biosphere_entries: system.biosphere().len(),
        characterized_flows: system.characterization().iter().filter(|factor| **factor != 0.0).count(),
        seed: args.seed,
        demand_product,
        threads: threads.get(),
        generate_s,
        all_products_in_memory_s,
        all_products_from_files_s,
        one_demand_in_memory_s,
        one_demand_from_files_s,
        one_demand_score,
        all_products_method,
        one_demand_method,
        all_products_direct_s,
        one_demand_direct_s,
        lu_analyse_s,
        lu_factorise_s,
        iterative_vs_direct_max_relative_difference,
        monte_carlo: MonteCarloReport {
            iterations: args.iterations,
            prepare_s,
            iterations_s,
            iterations_per_s: args.iterations as f64 / iterations_s,
            iterations_per_s_including_prepare: args.iterations as f64 / (iterations_s + prepare_s),
            sampled_technosphere,
            sampled_biosphere,
            result,
        },
        peak_rss_mib: peak_rss_mib(),
    };
    let json_path = out.join("tanji-bench.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("writing {}", json_path.display()))?;
    emit(&summary(&report, language))
}

/// Run `run` `repeats` times and keep every duration and the median.
fn time_runs(repeats: usize, what: &str, mut run: impl FnMut() -> anyhow::Result<Duration>) -> anyhow::Result<Timing> {
    let progress = spinner(what);
    let mut runs = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        runs.push(run().with_context(|| what.to_owned())?.as_secs_f64());
    }
    progress.finish_and_clear();
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(Timing { median: sorted[sorted.len() / 2], runs })
}

fn spinner(message: &str) -> indicatif::ProgressBar {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// A.mtx, B.mtx, c.mtx and the uncertainty of every exchange, in the same order as the Matrix Market entries.
fn write_files(out: &Path, uncertain: &UncertainSystem) -> anyhow::Result<()> {
    let system = uncertain.system();
    let n = system.n_processes();
    let matrix = |n_rows: usize, exchanges: &[UncertainEntry]| CoordinateMatrix {
        n_rows,
        n_cols: n,
        entries: exchanges
            .iter()
            .map(|exchange| Entry { row_idx: exchange.row_idx, col_idx: exchange.col_idx, value: exchange.amount })
            .collect(),
    };
    let characterization = CoordinateMatrix {
        n_rows: system.n_flows(),
        n_cols: 1,
        entries: system
            .characterization()
            .iter()
            .enumerate()
            .filter(|(_, factor)| **factor != 0.0)
            .map(|(flow_idx, factor)| Entry { row_idx: flow_idx, col_idx: 0, value: *factor })
            .collect(),
    };
    let files = [
        ("A.mtx", matrix_market::write(&matrix(n, uncertain.technosphere()))),
        ("B.mtx", matrix_market::write(&matrix(system.n_flows(), uncertain.biosphere()))),
        ("c.mtx", matrix_market::write(&characterization)),
        ("A.uncertainty.csv", uncertainty_csv(uncertain.technosphere())?),
        ("B.uncertainty.csv", uncertainty_csv(uncertain.biosphere())?),
        ("uncertainty.csv", stats_arrays_csv(uncertain)),
    ];
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `row,col,amount,geometric_sd` (1-based, as in the Matrix Market files; a GSD of 1 means fixed).
fn uncertainty_csv(exchanges: &[UncertainEntry]) -> anyhow::Result<String> {
    let mut table = CsvTable::new(&["row", "col", "amount", "geometric_sd"]);
    for exchange in exchanges {
        let geometric_sd = match exchange.distribution {
            Distribution::Fixed => 1.0,
            Distribution::Lognormal { geometric_sd } => geometric_sd,
            other => return Err(anyhow!("the benchmark writes lognormal distributions only, not {other:?}")),
        };
        table.row([
            Cell::from(exchange.row_idx + 1),
            Cell::from(exchange.col_idx + 1),
            Cell::Number(exchange.amount),
            Cell::Number(geometric_sd),
        ]);
    }
    Ok(table.into_string())
}

/// The uncertainty file of `tanji lca monte-carlo` (tanji_lca::uncertainty_file): every uncertain exchange in
/// Brightway's stats_arrays terms, in the order of the Matrix Market entries. A fixed exchange gets a line only
/// where its position holds several entries, so that the k-th line of a position stays the k-th entry.
fn stats_arrays_csv(uncertain: &UncertainSystem) -> String {
    let mut table = CsvTable::new(&uncertainty_file::COLUMNS);
    for (matrix, exchanges) in [("technosphere", uncertain.technosphere()), ("biosphere", uncertain.biosphere())] {
        let mut n_at = std::collections::HashMap::<(usize, usize), usize>::new();
        for exchange in exchanges {
            *n_at.entry((exchange.row_idx, exchange.col_idx)).or_default() += 1;
        }
        let listed = |exchange: &&UncertainEntry| {
            !exchange.distribution.is_fixed() || n_at[&(exchange.row_idx, exchange.col_idx)] > 1
        };
        for exchange in exchanges.iter().filter(listed) {
            let parameters = StatsArrays::of(exchange.distribution, exchange.amount);
            table.row([
                Cell::from(matrix),
                Cell::from(exchange.row_idx + 1),
                Cell::from(exchange.col_idx + 1),
                Cell::from(usize::from(parameters.uncertainty_type)),
                Cell::number(parameters.loc),
                Cell::number(parameters.scale),
                Cell::number(parameters.shape),
                Cell::number(parameters.minimum),
                Cell::number(parameters.maximum),
                Cell::from(if parameters.negative { "true" } else { "false" }),
            ]);
        }
    }
    table.into_string()
}

/// A system as the arrays it is built from.
#[derive(Clone)]
struct Triplets {
    n_processes: usize,
    n_flows: usize,
    technosphere: Vec<Entry>,
    biosphere: Vec<Entry>,
    characterization: Vec<f64>,
}

impl Triplets {
    fn of(uncertain: &UncertainSystem) -> Self {
        let entries = |exchanges: &[UncertainEntry]| -> Vec<Entry> {
            exchanges
                .iter()
                .map(|exchange| Entry { row_idx: exchange.row_idx, col_idx: exchange.col_idx, value: exchange.amount })
                .collect()
        };
        let system = uncertain.system();
        Self {
            n_processes: system.n_processes(),
            n_flows: system.n_flows(),
            technosphere: entries(uncertain.technosphere()),
            biosphere: entries(uncertain.biosphere()),
            characterization: system.characterization().to_vec(),
        }
    }

    fn into_system(self) -> anyhow::Result<System> {
        Ok(System::new(self.n_processes, self.n_flows, &self.technosphere, &self.biosphere, self.characterization)?)
    }
}

/// Read the three Matrix Market files back: what a cold start from files costs.
fn read_system(out: &Path) -> anyhow::Result<System> {
    let read = |name: &str| -> anyhow::Result<CoordinateMatrix> {
        let path = out.join(name);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        matrix_market::parse(&text).with_context(|| format!("parsing {}", path.display()))
    };
    Ok(System::from_matrices(&read("A.mtx")?, &read("B.mtx")?, &read("c.mtx")?)?)
}

fn write_scores(out: &Path, scores: &[f64]) -> anyhow::Result<()> {
    let mut table = CsvTable::new(&["product", "score"]);
    for (product_idx, score) in scores.iter().enumerate() {
        table.row([Cell::from(product_idx + 1), Cell::Number(*score)]);
    }
    let path = out.join("tanji-scores.csv");
    std::fs::write(&path, table.into_bytes()).with_context(|| format!("writing {}", path.display()))
}

fn write_monte_carlo_scores(out: &Path, result: &MonteCarloResult) -> anyhow::Result<()> {
    let mut table = CsvTable::new(&["iteration", "score"]);
    for (iteration, score) in result.scores.iter().enumerate() {
        table.row([Cell::from(iteration + 1), Cell::Number(*score)]);
    }
    let path = out.join("tanji-monte-carlo.csv");
    std::fs::write(&path, table.into_bytes()).with_context(|| format!("writing {}", path.display()))
}

fn method_text(method: Option<SolveMethod>, language: Language) -> String {
    method.map_or_else(|| BenchText::NotRun.localize(language), |method| method.localize(language))
}

/// Peak resident memory of this process (VmHWM), where /proc exists.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The figures for people, in `language`: every printed line is a `tanji_i18n::bench` value, and the timing lines
/// are lined up by display width.
fn summary(report: &Report, language: Language) -> String {
    let monte_carlo = &report.monte_carlo;
    let result = &monte_carlo.result;
    let mut out = String::new();
    let line = |out: &mut String, indent: usize, text: BenchText| {
        let _ = writeln!(out, "{}{}", " ".repeat(indent), text.localize(language));
    };
    line(
        &mut out,
        0,
        BenchText::LcaSystem {
            n_activities: report.n_activities,
            technosphere_entries: report.technosphere_entries,
            n_flows: report.n_flows,
            characterized_flows: report.characterized_flows,
            biosphere_entries: report.biosphere_entries,
            generate_s: report.generate_s,
        },
    );
    line(&mut out, 0, BenchText::ColdStartsHeading { n_runs: report.all_products_in_memory_s.runs.len() });
    let mut timings = crate::table::Table::new(2, &[crate::table::Align::Left, crate::table::Align::Right]);
    for (step, timing) in [
        (BenchStep::AllProductsInMemory, &report.all_products_in_memory_s),
        (BenchStep::AllProductsFromFiles, &report.all_products_from_files_s),
        (BenchStep::OneDemandInMemory, &report.one_demand_in_memory_s),
        (BenchStep::OneDemandFromFiles, &report.one_demand_from_files_s),
    ] {
        timings.row([step.localize(language), format!("{:.1} ms", timing.median * 1e3)]);
    }
    out.push_str(&timings.render());
    line(
        &mut out,
        2,
        BenchText::SolveMethods {
            all_products: method_text(report.all_products_method, language),
            one_demand: method_text(report.one_demand_method, language),
            product: report.demand_product,
            score: report.one_demand_score,
        },
    );
    line(
        &mut out,
        2,
        BenchText::LuComparison {
            all_products_ms: report.all_products_direct_s * 1e3,
            ordering_ms: report.lu_analyse_s * 1e3,
            factorisation_ms: report.lu_factorise_s * 1e3,
            one_demand_ms: report.one_demand_direct_s * 1e3,
            max_relative_difference: report.iterative_vs_direct_max_relative_difference,
        },
    );
    line(
        &mut out,
        0,
        BenchText::MonteCarloHeading {
            product: report.demand_product,
            iterations: monte_carlo.iterations,
            threads: report.threads,
            technosphere: monte_carlo.sampled_technosphere,
            biosphere: monte_carlo.sampled_biosphere,
        },
    );
    line(
        &mut out,
        2,
        BenchText::MonteCarloTimes {
            prepare_ms: monte_carlo.prepare_s * 1e3,
            iterations_s: monte_carlo.iterations_s,
            per_s: monte_carlo.iterations_per_s,
            per_s_with_prepare: monte_carlo.iterations_per_s_including_prepare,
        },
    );
    let solves = &result.solves;
    line(
        &mut out,
        2,
        BenchText::MonteCarloSolves {
            iterative: solves.iterative,
            mean_steps: solves.krylov_steps as f64 / solves.iterative.max(1) as f64,
            max_steps: solves.max_krylov_steps,
            tolerance: solves.tolerance,
            mean_lu_preconditioned: solves.mean_lu_preconditioned,
            direct: solves.fallbacks,
        },
    );
    let [low, median, high] = &result.summary.percentiles;
    line(
        &mut out,
        2,
        BenchText::MonteCarloDistribution {
            deterministic: result.deterministic_score,
            mean: result.summary.mean,
            sd: result.summary.sd,
            low: low.value,
            median: median.value,
            high: high.value,
        },
    );
    line(&mut out, 2, BenchText::DriversHeading);
    for driver in result.drivers.iter().take(5) {
        line(
            &mut out,
            4,
            BenchText::Driver {
                matrix: driver.matrix.localize(language),
                row: driver.row_idx + 1,
                col: driver.col_idx + 1,
                amount: driver.amount,
                share_percent: driver.first_order_share * 100.0,
                rank_correlation: driver.rank_correlation,
            },
        );
    }
    if let Some(mib) = report.peak_rss_mib {
        line(&mut out, 0, BenchText::PeakMemory { mib });
    }
    out
}
