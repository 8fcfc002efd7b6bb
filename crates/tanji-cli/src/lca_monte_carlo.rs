//! `tanji lca monte-carlo`: Monte Carlo uncertainty analysis of a system given as Matrix Market files and an
//! uncertainty file (tanji_lca::uncertainty_file, docs/lca-uncertainty.md), or as Brightway datapackages with their
//! distributions arrays (tanji_lca::datapackage), for cross-checking other LCA tools;
//! the summary (percentiles with their confidence intervals, a histogram) goes to stdout.

use anyhow::anyhow;
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_i18n::{Language, Localize as _};
use tanji_label::text::format_significant;
use tanji_lca::System;
use tanji_lca::datapackage::UncertainDatapackageError;
use tanji_lca::monte_carlo::{
    HistogramBin, MonteCarlo, MonteCarloError, MonteCarloSettings, ScoreSummary, SolveStatistics, histogram,
};
use tanji_lca::uncertainty_file::{self, JoinError};

use crate::inventory::emit;
use crate::lca::{Input, read_input, system_error, system_source};
use crate::options::{LcaFormat, LcaMonteCarloArgs};

/// What `--format json` prints.
#[derive(Serialize)]
struct Report {
    product: usize,
    iterations: usize,
    seed: u64,
    deterministic_score: f64,
    /// Exchanges drawn per iteration: technosphere, biosphere of characterised flows, and the other biosphere
    /// exchanges (drawn with `--resample-all` only).
    drawn_technosphere: usize,
    drawn_biosphere: usize,
    drawn_unscored_biosphere: usize,
    summary: ScoreSummary,
    histogram: Vec<HistogramBin>,
    solves: SolveStatistics,
}

pub fn monte_carlo(args: LcaMonteCarloArgs, language: Language) -> anyhow::Result<()> {
    let colon = if language == Language::SimplifiedChinese { "：" } else { ": " };
    let source = system_source(&args.matrices);
    let input = read_input(&args.matrices, language)?;
    let uncertain = match (&input, &args.uncertainty) {
        (Input::Datapackage(package), _) => {
            let [technosphere, biosphere, characterization] = input.matrices();
            // Shapes first, so that a system error blames the matrices rather than a distribution.
            System::from_matrices(technosphere, biosphere, characterization)
                .map_err(|error| system_error(&args.matrices, &error, language))?;
            package.uncertain_system().map_err(|error| match error {
                UncertainDatapackageError::Package(error) => {
                    let holder = args
                        .matrices
                        .datapackage
                        .iter()
                        .find(|path| path.is_dir() && path.join(&error.file).exists())
                        .map_or_else(|| source.clone(), |path| path.display().to_string());
                    crate::lca_datapackage::error(&holder, &error, language)
                }
                UncertainDatapackageError::MonteCarlo(MonteCarloError::System(error)) => {
                    system_error(&args.matrices, &error, language)
                }
                UncertainDatapackageError::MonteCarlo(error) => anyhow!("{source}{colon}{}", error.localize(language)),
            })?
        }
        (Input::MatrixMarket(_), Some(uncertainty)) => {
            let [technosphere, biosphere, characterization] = input.matrices();
            let path = uncertainty.display();
            let text = std::fs::read_to_string(uncertainty).map_err(|error| match language {
                Language::SimplifiedChinese => {
                    anyhow!("{path}：无法读取文件：{error}\n  提示：检查路径；文件须为 UTF-8 文本")
                }
                Language::English => {
                    anyhow!(
                        "{path}: cannot read the file: {error}\n  hint: check the path; the file must be UTF-8 text"
                    )
                }
            })?;
            let lines =
                uncertainty_file::parse(&text).map_err(|error| anyhow!("{path}{colon}{}", error.localize(language)))?;
            uncertainty_file::uncertain_system(technosphere, biosphere, characterization, &lines).map_err(|error| {
                match error {
                    JoinError::File(error) => anyhow!("{path}{colon}{}", error.localize(language)),
                    JoinError::MonteCarlo(MonteCarloError::System(error)) => {
                        system_error(&args.matrices, &error, language)
                    }
                    JoinError::MonteCarlo(error) => anyhow!("{source}{colon}{}", error.localize(language)),
                }
            })?
        }
        (Input::MatrixMarket(_), None) => {
            // clap requires --uncertainty unless --datapackage is given.
            return Err(anyhow!("--uncertainty"));
        }
    };
    let labels = input.into_labels();
    let n_products = uncertain.system().n_processes();
    let product = args.demand.get();
    let product_idx = labels
        .column_of(product, n_products)
        .ok_or_else(|| labels.unknown_product(&args.matrices, product, n_products, language))?;
    let settings = MonteCarloSettings {
        iterations: args.iterations,
        seed: args.seed,
        threads: args.threads,
        resample_all: args.resample_all,
        ..MonteCarloSettings::default()
    };
    let analysis = MonteCarlo::new(&uncertain, &[(product_idx, 1.0)], settings.n_driver_candidates)
        .map_err(|error| anyhow!("{source}{colon}{}", error.localize(language)))?;
    let bar = indicatif::ProgressBar::new(args.iterations as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(progress_template(language))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let result = analysis.run_with_progress(&settings, &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.map_err(|error| anyhow!("{source}{colon}{}", error.localize(language)))?;
    let (drawn_technosphere, drawn_biosphere) = analysis.n_sampled();
    let report = Report {
        product,
        iterations: args.iterations,
        seed: args.seed,
        deterministic_score: result.deterministic_score,
        drawn_technosphere,
        drawn_biosphere,
        drawn_unscored_biosphere: if args.resample_all { analysis.n_unscored() } else { 0 },
        histogram: histogram(&result.scores, args.bins),
        summary: result.summary,
        solves: result.solves,
    };
    emit(&render(&report, args.format, language)?)
}

/// The progress bar on stderr while the runs are drawn, in the reader's language (indicatif fills in the counts,
/// the rate and the time left).
fn progress_template(language: Language) -> &'static str {
    match language {
        Language::SimplifiedChinese => "蒙特卡洛模拟 [{bar:30}] {pos}/{len}，{per_sec}，剩余 {eta}",
        Language::English => "Monte Carlo [{bar:30}] {pos}/{len}, {per_sec}, {eta} left",
    }
}

fn render(report: &Report, format: LcaFormat, language: Language) -> anyhow::Result<String> {
    Ok(match format {
        LcaFormat::Json => format!("{}\n", serde_json::to_string_pretty(report)?),
        LcaFormat::Csv => {
            // One table: the statistics (value with its 95 % interval where it has one), then the histogram bars.
            let mut table = CsvTable::new(&["statistic", "value", "lower", "upper", "count"]);
            table.row([
                Cell::from("deterministic"),
                Cell::Number(report.deterministic_score),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
            table.row([Cell::from("mean"), Cell::Number(report.summary.mean), Cell::Empty, Cell::Empty, Cell::Empty]);
            table.row([Cell::from("sd"), Cell::Number(report.summary.sd), Cell::Empty, Cell::Empty, Cell::Empty]);
            for percentile in &report.summary.percentiles {
                table.row([
                    Cell::from(format!("p{}", percentile.percent)),
                    Cell::Number(percentile.value),
                    Cell::Number(percentile.lower_95),
                    Cell::Number(percentile.upper_95),
                    Cell::Empty,
                ]);
            }
            for bin in &report.histogram {
                table.row([
                    Cell::from("bin"),
                    Cell::Empty,
                    Cell::Number(bin.lower),
                    Cell::Number(bin.upper),
                    Cell::from(bin.count),
                ]);
            }
            table.into_string()
        }
        LcaFormat::Table => {
            let figure = |value: f64| format_significant(value, 4);
            let summary = &report.summary;
            let mut out = match language {
                Language::SimplifiedChinese => format!(
                    "产品 {}，{} 次迭代（种子 {}）：确定性得分 {}，均值 {}，标准差 {}\n",
                    report.product,
                    report.iterations,
                    report.seed,
                    figure(report.deterministic_score),
                    figure(summary.mean),
                    figure(summary.sd)
                ),
                Language::English => format!(
                    "product {}, {} iterations (seed {}): deterministic score {}, mean {}, sd {}\n",
                    report.product,
                    report.iterations,
                    report.seed,
                    figure(report.deterministic_score),
                    figure(summary.mean),
                    figure(summary.sd)
                ),
            };
            for percentile in &summary.percentiles {
                let interval = match language {
                    Language::SimplifiedChinese => "95 % 置信区间",
                    Language::English => "95 % interval",
                };
                out.push_str(&format!(
                    "  {:>5} %  {}  ({interval} {} – {})\n",
                    percentile.percent,
                    figure(percentile.value),
                    figure(percentile.lower_95),
                    figure(percentile.upper_95)
                ));
            }
            let largest = report.histogram.iter().map(|bin| bin.count).max().unwrap_or(0).max(1);
            for bin in &report.histogram {
                let bar = "#".repeat((bin.count * 40).div_ceil(largest));
                out.push_str(&format!(
                    "  {:>12} – {:<12} {:>7} {bar}\n",
                    figure(bin.lower),
                    figure(bin.upper),
                    bin.count
                ));
            }
            out
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_speaks_the_readers_language() {
        for language in [Language::SimplifiedChinese, Language::English] {
            assert!(indicatif::ProgressStyle::with_template(progress_template(language)).is_ok());
        }
        let chinese = progress_template(Language::SimplifiedChinese);
        assert_eq!(tanji_i18n::latin_sentences(chinese), Vec::<String>::new(), "{chinese}");
        assert!(!chinese.contains("Monte Carlo"));
    }
}
