//! `tanji lca solve`: score products of a system given as Matrix Market files, for cross-checking other LCA tools.

use std::path::Path;

use anyhow::anyhow;
use serde::Serialize;
use tanji_csv::{Cell, CsvTable};
use tanji_lca::{CoordinateMatrix, SolveError, Solver, System, SystemError, matrix_market};

use crate::inventory::emit;
use crate::options::{LcaCommand, LcaFormat, LcaSolveArgs};

pub fn lca(command: LcaCommand) -> anyhow::Result<()> {
    match command {
        LcaCommand::Solve(args) => solve(args),
        LcaCommand::Export(args) => crate::footprint::export(args),
    }
}

/// One line of output: a product (1-based column of A) and the score of one unit of it.
#[derive(Serialize)]
struct ProductScore {
    product: usize,
    score: f64,
}

fn solve(args: LcaSolveArgs) -> anyhow::Result<()> {
    let technosphere = read_matrix(&args.technosphere)?;
    let biosphere = read_matrix(&args.biosphere)?;
    let characterization = read_matrix(&args.characterization)?;
    let system = System::from_matrices(&technosphere, &biosphere, &characterization)
        .map_err(|error| system_error(&args, &error))?;
    let technosphere_display = args.technosphere.display();
    let n_products = system.n_processes();
    if let Some(product) = args.demand
        && product.get() > n_products
    {
        return Err(anyhow!(
            "--demand {product}: {technosphere_display} has {n_products} products\n  hint: give a column number from \
             1 to {n_products}"
        ));
    }
    let solver = Solver::new(system).map_err(|error| solve_error(&args, &error))?;
    let scores = match args.demand {
        Some(product) => {
            let score = solver.score(product.get() - 1).map_err(|error| solve_error(&args, &error))?;
            vec![ProductScore { product: product.get(), score }]
        }
        None => solver
            .all_scores()
            .map_err(|error| solve_error(&args, &error))?
            .into_iter()
            .enumerate()
            .map(|(product_idx, score)| ProductScore { product: product_idx + 1, score })
            .collect(),
    };
    match args.format {
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
fn system_error(args: &LcaSolveArgs, error: &SystemError) -> anyhow::Error {
    let (file, hint) = match error {
        SystemError::TechnosphereNotSquare { .. } => (
            &args.technosphere,
            "A has one row and one column per product, so its size line needs ROWS equal to COLUMNS",
        ),
        SystemError::BiosphereColumns { .. } => (
            &args.biosphere,
            "B has one row per elementary flow and one column per process of A; check both size lines",
        ),
        SystemError::CharacterizationLength { .. } | SystemError::CharacterizationNotColumn { .. } => (
            &args.characterization,
            "c has one factor per row of B and one column, e.g. the size line `2 1 2` for two flows",
        ),
        _ => (&args.technosphere, "check the three files against each other"),
    };
    anyhow!("{}: {error}\n  hint: {hint}", file.display())
}

/// A system that cannot be solved, blamed on A, with the processes involved when known.
fn solve_error(args: &LcaSolveArgs, error: &SolveError) -> anyhow::Error {
    let hint = match error {
        SolveError::NoReferenceProduction { .. } => {
            "each process j makes its product on A's diagonal (row j, column j), positive in Brightway's sign \
             convention; inputs are negative"
        }
        SolveError::ProductOutOfRange { .. } => "give --demand a column number of A, starting at 1",
        _ => {
            "check that each listed process makes more of its product than its supply loops consume, and that \
             inputs are negative (Brightway's sign convention)"
        }
    };
    anyhow!("{}: {error}\n  hint: {hint}", args.technosphere.display())
}
