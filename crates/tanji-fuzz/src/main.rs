//! `tanji-fuzz`: runs the fuzz targets of [`tanji_fuzz::targets`] under a time budget, or one saved input again.
//!
//! ```text
//! tanji-fuzz list
//! tanji-fuzz run --seconds 180 [--seed 1] [--corpus target/fuzz/corpus] [TARGET…]
//! tanji-fuzz repro TARGET FILE…
//! tanji-fuzz seeds TARGET DIR        (for libFuzzer)
//! ```
//!
//! `run` prints one Markdown table row per target on stdout (the figures in BENCHMARKS.md), progress and findings on
//! stderr, and exits 1 when any input panicked or broke a promise (a hang exits 3, runaway memory 4).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tanji_fuzz::engine::{self, Settings};
use tanji_fuzz::targets::{TARGETS, Target, find};

#[derive(Parser)]
#[command(name = "tanji-fuzz", about = "Fuzz tanji's parsers of outside input on the stable toolchain")]
struct Options {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the targets and what each feeds.
    List,
    /// Fuzz targets (all when none is named), one after the other.
    Run {
        /// Time budget per target, in seconds.
        #[arg(long, default_value_t = 60.0)]
        seconds: f64,
        /// Seed of the random choices (same seed, build and corpus: same run).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Longest mutated input, in bytes.
        #[arg(long, default_value_t = 128 * 1024)]
        max_len: usize,
        /// An input running longer than this is a hang, in milliseconds.
        #[arg(long, default_value_t = 10_000)]
        timeout_ms: u64,
        /// Resident memory ceiling, in MB.
        #[arg(long, default_value_t = 2048)]
        max_rss_mb: u64,
        /// Where failing inputs are saved, one folder per target.
        #[arg(long, default_value = "target/fuzz/artifacts")]
        artifacts: PathBuf,
        /// A corpus folder (one folder per target) read at the start and grown with inputs of new outcomes.
        #[arg(long)]
        corpus: Option<PathBuf>,
        targets: Vec<String>,
    },
    /// Run saved inputs through a target once, without catching panics, and say what happened.
    Repro { target: String, files: Vec<PathBuf> },
    /// Write a target's seed files into a folder as libFuzzer reads them (a leading 0 byte: "the file itself").
    Seeds { target: String, dir: PathBuf },
}

fn targets_named(names: &[String]) -> Result<Vec<&'static Target>, String> {
    if names.is_empty() {
        return Ok(TARGETS.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            find(name).ok_or_else(|| {
                let known: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
                format!("no fuzz target “{name}”\n  hint: the targets are {}", known.join(", "))
            })
        })
        .collect()
}

fn main() -> ExitCode {
    let options = Options::parse();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    match options.command {
        Command::List => {
            for target in TARGETS {
                let _ = writeln!(stdout, "{:<16} {}", target.name, target.about);
            }
            ExitCode::SUCCESS
        }
        Command::Run { seconds, seed, max_len, timeout_ms, max_rss_mb, artifacts, corpus, targets } => {
            let targets = match targets_named(&targets) {
                Ok(targets) => targets,
                Err(message) => {
                    let _ = writeln!(stderr, "error: {message}");
                    return ExitCode::from(2);
                }
            };
            let settings = Settings {
                duration: Duration::from_secs_f64(seconds.max(0.0)),
                seed,
                max_len,
                input_timeout: Duration::from_millis(timeout_ms),
                max_rss_bytes: max_rss_mb << 20,
                artifacts,
                corpus,
            };
            let _ = writeln!(
                stdout,
                "| target | executions | seconds | executions/s | outcomes | accepted | slowest input (ms) | peak RSS (MB) | findings |\n|---|---:|---:|---:|---:|---:|---:|---:|---|"
            );
            let mut n_findings = 0;
            for target in targets {
                let _ = writeln!(stderr, "fuzzing {} for {seconds} s: {}", target.name, target.about);
                let report = engine::run(target, &settings, &mut stderr);
                let findings: Vec<String> = report
                    .findings
                    .iter()
                    .map(|finding| format!("{} ×{}: {}", finding.kind, finding.count, finding.input.display()))
                    .collect();
                n_findings += report.findings.len();
                let seconds = report.elapsed.as_secs_f64();
                let _ = writeln!(
                    stdout,
                    "| {} | {} | {:.0} | {:.0} | {} | {} | {} | {} | {} |",
                    report.target,
                    report.executions,
                    seconds,
                    report.executions as f64 / seconds.max(1e-9),
                    report.n_outcomes,
                    report.n_accepted,
                    report.slowest.as_millis(),
                    report.peak_rss_bytes.map_or("?".to_owned(), |bytes| (bytes >> 20).to_string()),
                    if findings.is_empty() { "none".to_owned() } else { findings.join("; ") },
                );
                let _ = stdout.flush();
            }
            if n_findings > 0 {
                let _ = writeln!(
                    stderr,
                    "\nFUZZ FAILURE: {n_findings} finding(s); each input is saved with a .txt saying what broke"
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Command::Seeds { target, dir } => {
            let Some(target) = find(&target) else {
                let _ = writeln!(stderr, "error: no fuzz target “{target}”");
                return ExitCode::from(2);
            };
            let written = std::fs::create_dir_all(&dir).and_then(|()| {
                for seed in (target.seeds)() {
                    let mut bytes = vec![0u8];
                    bytes.extend_from_slice(&seed.bytes);
                    std::fs::write(dir.join(format!("seed-{:016x}", engine::content_hash(&bytes))), bytes)?;
                }
                Ok(())
            });
            if let Err(error) = written {
                let _ = writeln!(stderr, "error: cannot write seeds to {}: {error}", dir.display());
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Command::Repro { target, files } => {
            let Some(target) = find(&target) else {
                let _ = writeln!(stderr, "error: no fuzz target “{target}”");
                return ExitCode::from(2);
            };
            let mut failed = false;
            for file in files {
                let bytes = match std::fs::read(&file) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        let _ = writeln!(stderr, "error: cannot read {}: {error}", file.display());
                        return ExitCode::from(2);
                    }
                };
                // No catch_unwind: a panic shows its message and, with RUST_BACKTRACE=1, where it came from.
                match (target.check)(&bytes) {
                    Ok(outcome) => {
                        let _ = writeln!(stdout, "{}: ok ({})", file.display(), outcome.0);
                    }
                    Err(violation) => {
                        failed = true;
                        let _ = writeln!(stdout, "{}: VIOLATION: {violation}", file.display());
                    }
                }
            }
            if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}
