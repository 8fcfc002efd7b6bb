//! `tanji lca solve`: score products of a system given as Matrix Market files, for cross-checking other LCA tools,
//! by the one solver policy of tanji-lca (GMRES with a verified residual, then the sparse LU).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_lca::{
    CheckedSolver, CoordinateMatrix, SolveError, SolveMethod, SolvePolicy, SolveStage, System, SystemError,
    datapackage::{self, DatapackageSystem},
    matrix_market,
};

use tanji_i18n::lca::matrix_market_hint;
use tanji_i18n::{Language, Localize as _};
use tanji_label::text::format_significant;

use crate::inventory::emit;
use crate::options::{LcaCommand, LcaFormat, LcaMatrixFiles, LcaSolveArgs};

pub fn lca(command: LcaCommand, language: Language) -> anyhow::Result<()> {
    match command {
        LcaCommand::Solve(args) => solve(args, language),
        LcaCommand::Export(args) => crate::footprint::export(args, language),
        LcaCommand::MonteCarlo(args) => crate::lca_monte_carlo::monte_carlo(args, language),
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

/// One line of output: a product (1-based column of A, or with datapackages its activity id) and the score of one
/// unit of it.
#[derive(Serialize)]
struct ProductScore {
    product: usize,
    score: f64,
}

fn solve(args: LcaSolveArgs, language: Language) -> anyhow::Result<()> {
    let mut clock = StageClock::new();
    let input = read_input(&args.matrices, language)?;
    let [technosphere, biosphere, characterization] = input.matrices();
    let system = System::from_matrices(technosphere, biosphere, characterization)
        .map_err(|error| system_error(&args.matrices, &error, language))?;
    let labels = input.into_labels();
    let demand_idx =
        match args.demand {
            Some(product) => Some(labels.column_of(product.get(), system.n_processes()).ok_or_else(|| {
                labels.unknown_product(&args.matrices, product.get(), system.n_processes(), language)
            })?),
            None => None,
        };
    clock.enter(Stage::Analyse);
    let policy = SolvePolicy { method: args.method.into(), ..SolvePolicy::default() };
    let solver = CheckedSolver::new(system, policy).map_err(|error| solve_error(&args, &error, language))?;
    let mut observer = |stage: SolveStage| clock.enter(Stage::of(stage));
    let (mut scores, method) = match demand_idx {
        Some(product_idx) => {
            let (score, method) = solver
                .score_observed(&[(product_idx, 1.0)], &mut observer)
                .map_err(|error| solve_error(&args, &error, language))?;
            (vec![ProductScore { product: labels.label(product_idx), score }], method)
        }
        None => {
            let (scores, method) =
                solver.all_scores_observed(&mut observer).map_err(|error| solve_error(&args, &error, language))?;
            let scores = scores
                .into_iter()
                .enumerate()
                .map(|(product_idx, score)| ProductScore { product: labels.label(product_idx), score })
                .collect();
            (scores, method)
        }
    };
    clock.enter(Stage::Write);
    without_noise(&mut scores);
    let written = write_scores(&scores, args.format, language);
    clock.enter(Stage::Done);
    if args.timings {
        eprintln!("{}", clock.report(&method, language));
    }
    written
}

fn write_scores(scores: &[ProductScore], format: LcaFormat, language: Language) -> anyhow::Result<()> {
    match format {
        LcaFormat::Table => {
            let header = match language {
                Language::SimplifiedChinese => "产品（A 的列）  每单位得分（c 的单位，如 kg CO2e）",
                Language::English => "product (column of A)  score per unit (in c's unit, e.g. kg CO2e)",
            };
            let mut out = format!("{header}\n");
            for line in scores {
                out.push_str(&format!("{:>8}  {}\n", line.product, format_significant(line.score, 4)));
            }
            emit(&out)
        }
        LcaFormat::Csv => {
            // Numbers are written as the shortest text that reads back to the same f64 (tanji_csv), so other tools
            // can compare to 1e-15.
            let mut table = CsvTable::new(&["product", "score"]);
            for line in scores {
                table.row([Cell::from(line.product), Cell::Number(line.score)]);
            }
            emit(&table.into_string())
        }
        LcaFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(scores)?)),
    }
}

/// The stages `--timings` reports. Reading the files is `parse`; the policy's checks and, when the LU answers, its
/// ordering are `analyse`; GMRES and the substitutions are `solve`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Parse,
    Analyse,
    Factorise,
    Solve,
    Write,
    Done,
}

impl Stage {
    fn of(stage: SolveStage) -> Self {
        match stage {
            SolveStage::Analyse => Self::Analyse,
            SolveStage::Factorise => Self::Factorise,
            SolveStage::Iterate | SolveStage::Substitute => Self::Solve,
        }
    }
}

/// Wall-clock time per [`Stage`], accumulated as the command moves from one to the next.
pub(crate) struct StageClock {
    current: Stage,
    since: Instant,
    started: Instant,
    totals: [Duration; 5],
}

impl StageClock {
    pub(crate) fn new() -> Self {
        let now = Instant::now();
        Self { current: Stage::Parse, since: now, started: now, totals: [Duration::ZERO; 5] }
    }

    pub(crate) fn enter(&mut self, stage: Stage) {
        let now = Instant::now();
        if self.current != Stage::Done {
            self.totals[self.current as usize] += now - self.since;
        }
        self.current = stage;
        self.since = now;
    }

    /// One line: each stage in ms, the total, and which method answered.
    pub(crate) fn report(&self, method: &SolveMethod, language: Language) -> String {
        let names = match language {
            Language::SimplifiedChinese => ["解析", "分析", "分解", "求解", "写出"],
            Language::English => ["parse", "analyse", "factorise", "solve", "write"],
        };
        let stages: Vec<String> = names
            .iter()
            .zip(&self.totals)
            .map(|(name, duration)| format!("{name} {:.1} ms", duration.as_secs_f64() * 1e3))
            .collect();
        let total = format!("{:.1} ms", (self.since - self.started).as_secs_f64() * 1e3);
        let method = method.localize(language);
        match language {
            Language::SimplifiedChinese => format!("用时：{}；合计 {total}；{method}", stages.join("，")),
            Language::English => format!("timings: {}; total {total}; {method}", stages.join(", ")),
        }
    }
}

/// The product system as read: Matrix Market files, or datapackages (which also name A's columns by id).
pub(crate) enum Input {
    MatrixMarket([CoordinateMatrix; 3]),
    Datapackage(Box<DatapackageSystem>),
}

impl Input {
    pub(crate) fn matrices(&self) -> [&CoordinateMatrix; 3] {
        match self {
            Self::MatrixMarket([technosphere, biosphere, characterization]) => {
                [technosphere, biosphere, characterization]
            }
            Self::Datapackage(package) => [&package.technosphere, &package.biosphere, &package.characterization],
        }
    }

    /// How products are named on the command line and in the output, once the matrices are no longer needed.
    pub(crate) fn into_labels(self) -> ProductLabels {
        match self {
            Self::MatrixMarket(_) => ProductLabels::Columns,
            Self::Datapackage(package) => ProductLabels::Ids(package.activity_ids),
        }
    }
}

/// Products as users name them: 1-based columns of A, or the activities' database ids of a datapackage.
pub(crate) enum ProductLabels {
    Columns,
    Ids(Vec<i64>),
}

impl ProductLabels {
    /// The column (0-based) of the product the user named (from 1), if the system of `n_products` has it.
    pub(crate) fn column_of(&self, product: usize, n_products: usize) -> Option<usize> {
        match self {
            Self::Columns => product.checked_sub(1),
            Self::Ids(ids) => i64::try_from(product).ok().and_then(|id| ids.binary_search(&id).ok()),
        }
        .filter(|&column_idx| column_idx < n_products)
    }

    /// The name of the product in column `column_idx` (0-based).
    pub(crate) fn label(&self, column_idx: usize) -> usize {
        match self {
            Self::Columns => column_idx + 1,
            Self::Ids(ids) => usize::try_from(ids[column_idx]).unwrap_or(0),
        }
    }

    /// `--demand` names a product the system does not have.
    pub(crate) fn unknown_product(
        &self,
        files: &LcaMatrixFiles,
        product: usize,
        n_products: usize,
        language: Language,
    ) -> anyhow::Error {
        let source = system_source(files);
        match (self, language) {
            (Self::Columns, Language::SimplifiedChinese) => anyhow!(
                "--demand {product}：{source} 只有 {n_products} 个产品\n  提示：给出 1 到 {n_products} 之间的列号"
            ),
            (Self::Columns, Language::English) => anyhow!(
                "--demand {product}: {source} has {n_products} products\n  hint: give a column number from 1 to \
                 {n_products}"
            ),
            (Self::Ids(ids), Language::SimplifiedChinese) => anyhow!(
                "--demand {product}：{source} 中没有 id 为 {product} 的活动\n  提示：给出技术圈中某个活动的数据库 id（共 \
                 {n_products} 个，从 {} 到 {}）",
                ids.first().copied().unwrap_or_default(),
                ids.last().copied().unwrap_or_default()
            ),
            (Self::Ids(ids), Language::English) => anyhow!(
                "--demand {product}: {source} has no activity with id {product}\n  hint: give the database id of an \
                 activity of the technosphere ({n_products} of them, from {} to {})",
                ids.first().copied().unwrap_or_default(),
                ids.last().copied().unwrap_or_default()
            ),
        }
    }
}

/// What error messages about the system as a whole name: A's file, or the datapackages.
pub(crate) fn system_source(files: &LcaMatrixFiles) -> String {
    match &files.technosphere {
        Some(technosphere) if files.datapackage.is_empty() => technosphere.display().to_string(),
        _ => files.datapackage.iter().map(|path| path.display().to_string()).collect::<Vec<_>>().join(", "),
    }
}

/// Read the system: the three Matrix Market files, or the datapackages.
pub(crate) fn read_input(files: &LcaMatrixFiles, language: Language) -> anyhow::Result<Input> {
    if !files.datapackage.is_empty() {
        let packages = files
            .datapackage
            .iter()
            .map(|path| crate::lca_datapackage::load(path, language))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let system = datapackage::read(&packages.iter().map(|(_, package)| package.clone()).collect::<Vec<_>>())
            .map_err(|error| {
                // The error names the file inside the package; the package is the one holding that file.
                let package = packages
                    .iter()
                    .find(|(_, package)| package.files.contains_key(&error.file))
                    .map_or_else(|| system_source(files), |(path, _)| path.display().to_string());
                crate::lca_datapackage::error(&package, &error, language)
            })?;
        return Ok(Input::Datapackage(Box::new(system)));
    }
    let (Some(technosphere), Some(biosphere), Some(characterization)) =
        (&files.technosphere, &files.biosphere, &files.characterization)
    else {
        // clap requires the three files unless --datapackage is given.
        return Err(anyhow!("--technosphere, --biosphere and --characterization, or --datapackage"));
    };
    Ok(Input::MatrixMarket([
        read_matrix(technosphere, language)?,
        read_matrix(biosphere, language)?,
        read_matrix(characterization, language)?,
    ]))
}

/// Read and parse one Matrix Market file; errors name the file, the line and what to do, in the reader's language.
fn read_matrix(path: &Path, language: Language) -> anyhow::Result<CoordinateMatrix> {
    let display = path.display();
    // The system's reason is added in English only, as the system gives it in English.
    let text = std::fs::read_to_string(path).map_err(|error| match language {
        Language::SimplifiedChinese => anyhow!("{display}：无法读取文件\n  提示：检查路径；文件须为 UTF-8 文本"),
        Language::English => {
            anyhow!("{display}: cannot read the file: {error}\n  hint: check the path; the file must be UTF-8 text")
        }
    })?;
    matrix_market::parse(&text).map_err(|error| {
        let (message, hint) = (error.localize(language), matrix_market_hint(&error, language));
        match language {
            Language::SimplifiedChinese => anyhow!("{display}：{message}\n  提示：{hint}"),
            Language::English => anyhow!("{display}: {message}\n  hint: {hint}"),
        }
    })
}

/// A shape mismatch, blamed on the file whose size line disagrees with A.
pub(crate) fn system_error(files: &LcaMatrixFiles, error: &SystemError, language: Language) -> anyhow::Error {
    let zh = language == Language::SimplifiedChinese;
    let (file, hint) = match error {
        SystemError::TechnosphereNotSquare { .. } => (
            &files.technosphere,
            if zh {
                "A 每个产品占一行一列，因此其尺寸行的行数须等于列数"
            } else {
                "A has one row and one column per product, so its size line needs ROWS equal to COLUMNS"
            },
        ),
        SystemError::BiosphereColumns { .. } => (
            &files.biosphere,
            if zh {
                "B 每个基本流一行、A 的每个过程一列；检查两者的尺寸行"
            } else {
                "B has one row per elementary flow and one column per process of A; check both size lines"
            },
        ),
        SystemError::CharacterizationLength { .. } | SystemError::CharacterizationNotColumn { .. } => (
            &files.characterization,
            if zh {
                "c 对 B 的每一行给一个因子，只有一列，例如两个流的尺寸行为 `2 1 2`"
            } else {
                "c has one factor per row of B and one column, e.g. the size line `2 1 2` for two flows"
            },
        ),
        _ => (&files.technosphere, if zh { "对照检查三个文件" } else { "check the three files against each other" }),
    };
    let (hint_label, colon) = if zh { ("提示", "：") } else { ("hint", ": ") };
    let file = match file {
        Some(file) if files.datapackage.is_empty() => file.display().to_string(),
        _ => system_source(files),
    };
    anyhow!("{file}{colon}{}\n  {hint_label}{colon}{hint}", error.localize(language))
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
        SolveError::NotConverged { .. } => {
            if zh {
                "去掉 --method iterative（默认的 auto 会在迭代不收敛时改用稀疏 LU），或用 --method lu"
            } else {
                "drop --method iterative (the default, auto, falls back to the sparse LU when GMRES does not \
                 converge), or use --method lu"
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
    anyhow!("{}{colon}{}\n  {hint_label}{colon}{hint}", system_source(&args.matrices), error.localize(language))
}
