//! `tanji lca solve`: score products of a system given as Matrix Market files, for cross-checking other LCA tools.

use std::path::Path;

use anyhow::anyhow;
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_lca::{CoordinateMatrix, SolveError, Solver, System, SystemError, matrix_market};

use tanji_i18n::{Language, Localize as _};
use tanji_label::text::format_significant;

use crate::inventory::emit;
use crate::options::{LcaCommand, LcaFormat, LcaSolveArgs};

pub fn lca(command: LcaCommand, language: Language) -> anyhow::Result<()> {
    match command {
        LcaCommand::Solve(args) => solve(args, language),
        LcaCommand::Export(args) => crate::footprint::export(args, language),
    }
}

/// Scores within this fraction of the largest score are float noise of the solve (its residual check allows 1e-9
/// relative), printed as 0 rather than as `3.4694e-18`.
const NOISE: f64 = 1e-12;

/// Replace float noise by an exact 0.
fn without_noise(scores: &mut [ProductScore]) {
    let largest = scores.iter().fold(0.0_f64, |max, line| max.max(line.score.abs()));
    for line in scores {
        if line.score.abs() <= NOISE * largest {
            line.score = 0.0;
        }
    }
}

/// One line of output: a product (1-based column of A) and the score of one unit of it.
#[derive(Serialize)]
struct ProductScore {
    product: usize,
    score: f64,
}

fn solve(args: LcaSolveArgs, language: Language) -> anyhow::Result<()> {
    let technosphere = read_matrix(&args.technosphere)?;
    let biosphere = read_matrix(&args.biosphere)?;
    let characterization = read_matrix(&args.characterization)?;
    let system = System::from_matrices(&technosphere, &biosphere, &characterization)
        .map_err(|error| system_error(&args, &error, language))?;
    let technosphere_display = args.technosphere.display();
    let n_products = system.n_processes();
    if let Some(product) = args.demand
        && product.get() > n_products
    {
        return Err(match language {
            Language::SimplifiedChinese => anyhow!(
                "--demand {product}：{technosphere_display} 只有 {n_products} 个产品\n  提示：给出 1 到 {n_products} 之间的列号"
            ),
            Language::English => anyhow!(
                "--demand {product}: {technosphere_display} has {n_products} products\n  hint: give a column number \
                 from 1 to {n_products}"
            ),
        });
    }
    let solver = Solver::new(system).map_err(|error| solve_error(&args, &error, language))?;
    let mut scores = match args.demand {
        Some(product) => {
            let score = solver.score(product.get() - 1).map_err(|error| solve_error(&args, &error, language))?;
            vec![ProductScore { product: product.get(), score }]
        }
        None => solver
            .all_scores()
            .map_err(|error| solve_error(&args, &error, language))?
            .into_iter()
            .enumerate()
            .map(|(product_idx, score)| ProductScore { product: product_idx + 1, score })
            .collect(),
    };
    without_noise(&mut scores);
    match args.format {
        LcaFormat::Table => {
            let header = match language {
                Language::SimplifiedChinese => "产品（A 的列）  每单位得分（c 的单位，如 kg CO2e）",
                Language::English => "product (column of A)  score per unit (in c's unit, e.g. kg CO2e)",
            };
            let mut out = format!("{header}\n");
            for line in &scores {
                out.push_str(&format!("{:>8}  {}\n", line.product, format_significant(line.score, 4)));
            }
            emit(&out)
        }
        LcaFormat::Csv => {
            // Numbers are written as the shortest text that reads back to the same f64 (tanji_csv), so other tools
            // can compare to 1e-15.
            let mut table = CsvTable::new(&["product", "score"]);
            for line in &scores {
                table.row([Cell::from(line.product), Cell::Number(line.score)]);
            }
            emit(&table.into_string())
        }
        LcaFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&scores)?)),
    }
}

/// Read and parse one Matrix Market file; errors name the file, the line and what to do.
fn read_matrix(path: &Path) -> anyhow::Result<CoordinateMatrix> {
    let display = path.display();
    let text = std::fs::read_to_string(path).map_err(|error| {
        anyhow!("{display}: cannot read the file: {error}\n  hint: check the path; the file must be UTF-8 text")
    })?;
    matrix_market::parse(&text).map_err(|error| anyhow!("{display}: {error}\n  hint: {}", error.hint()))
}

/// A shape mismatch, blamed on the file whose size line disagrees with A.
fn system_error(args: &LcaSolveArgs, error: &SystemError, language: Language) -> anyhow::Error {
    let zh = language == Language::SimplifiedChinese;
    let (file, hint) = match error {
        SystemError::TechnosphereNotSquare { .. } => (
            &args.technosphere,
            if zh {
                "A 每个产品占一行一列，因此其尺寸行的行数须等于列数"
            } else {
                "A has one row and one column per product, so its size line needs ROWS equal to COLUMNS"
            },
        ),
        SystemError::BiosphereColumns { .. } => (
            &args.biosphere,
            if zh {
                "B 每个基本流一行、A 的每个过程一列；检查两者的尺寸行"
            } else {
                "B has one row per elementary flow and one column per process of A; check both size lines"
            },
        ),
        SystemError::CharacterizationLength { .. } | SystemError::CharacterizationNotColumn { .. } => (
            &args.characterization,
            if zh {
                "c 对 B 的每一行给一个因子，只有一列，例如两个流的尺寸行为 `2 1 2`"
            } else {
                "c has one factor per row of B and one column, e.g. the size line `2 1 2` for two flows"
            },
        ),
        _ => (&args.technosphere, if zh { "对照检查三个文件" } else { "check the three files against each other" }),
    };
    let (hint_label, colon) = if zh { ("提示", "：") } else { ("hint", ": ") };
    anyhow!("{}{colon}{}\n  {hint_label}{colon}{hint}", file.display(), error.localize(language))
}

/// A system that cannot be solved, blamed on A, with the processes involved when known.
fn solve_error(args: &LcaSolveArgs, error: &SolveError, language: Language) -> anyhow::Error {
    let zh = language == Language::SimplifiedChinese;
    let hint = match error {
        SolveError::UnproductiveLoop(_) => {
            if zh {
                "检查循环中的投入量（A 中的负值）：一个循环每转一圈消耗的必须少于它生产的（对角线上的产出）"
            } else {
                "check the inputs in the loop (the negative entries of A): each round of a loop must consume less \
                 than it makes (the production on A's diagonal)"
            }
        }
        SolveError::NoReferenceProduction { .. } => {
            if zh {
                "过程 j 在 A 的对角线（第 j 行第 j 列）上生产其产品，按 Brightway 的符号约定为正，投入为负"
            } else {
                "each process j makes its product on A's diagonal (row j, column j), positive in Brightway's sign \
                 convention; inputs are negative"
            }
        }
        SolveError::ProductOutOfRange { .. } => {
            if zh {
                "给 --demand 一个 A 的列号，从 1 开始"
            } else {
                "give --demand a column number of A, starting at 1"
            }
        }
        _ => {
            if zh {
                "检查所列过程产出的产品多于其供应循环消耗的，并且投入为负（Brightway 的符号约定）"
            } else {
                "check that each listed process makes more of its product than its supply loops consume, and that \
                 inputs are negative (Brightway's sign convention)"
            }
        }
    };
    let (hint_label, colon) = if zh { ("提示", "：") } else { ("hint", ": ") };
    anyhow!("{}{colon}{}\n  {hint_label}{colon}{hint}", args.technosphere.display(), error.localize(language))
}
