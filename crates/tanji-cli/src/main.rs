//! The `tanji` command.
//!
//! Data goes to stdout (as text, or as JSON with `--format json`); logs and progress go to stderr.

// Printing is this crate's job; the workspace forbids it only in libraries.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod account;
mod bench_energy;
mod bench_energy_store;
mod bench_lca;
mod bench_ledger;
mod commands;
mod demo;
mod demo_account;
mod demo_supplier;
mod energy;
mod energy_import;
mod footprint;
mod help;
mod inventory;
mod lca;
mod lca_datapackage;
mod lca_monte_carlo;
mod options;
mod table;

use std::process::ExitCode;

use clap::FromArgMatches as _;

use options::{BenchCommand, Cli, Command};

/// mimalloc instead of the system allocator: a million-row `inventory compute` allocates and frees a few strings per
/// row (ids, facilities, emission points) on two threads, and glibc's malloc spent about a third of the time there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The help and the usage errors are in the reader's language, so it is known before clap parses.
    let language = help::language_of(&arguments);
    let matches = help::parse(arguments, language);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| help::exit_with(&error, language, ""));
    options::init_logging(&cli);
    let language = cli.language();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!(
                "{}",
                tanji_i18n::text!(language, zh: "错误：无法启动异步运行时：{error}", en: "error: starting the async runtime: {error}")
            );
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve(args).await,
            Command::Demo(args) => demo::run(args, language).await,
            Command::Migrate(args) => commands::migrate(args, language).await,
            Command::Org(command) => commands::org(command, language).await,
            Command::Account(command) => account::account(command, language).await,
            Command::User(command) => commands::user(command, language).await,
            Command::Token(command) => commands::token(command, language).await,
            Command::Inventory(command) => inventory::inventory(command, language),
            Command::Factors(command) => inventory::factors(command, language),
            Command::Lca(command) => lca::lca(command, language),
            Command::Bench(BenchCommand::Ledger(args)) => bench_ledger::ledger(args, language).await,
            Command::Bench(command) => bench_lca::bench(command, language),
            Command::Footprint(command) => footprint::footprint(command, language),
            Command::Energy(command) => energy::energy(command, language).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of context: "opening …: permission denied".
            eprintln!("{}", tanji_i18n::text!(language, zh: "错误：{error:#}", en: "error: {error:#}"));
            ExitCode::FAILURE
        }
    }
}
