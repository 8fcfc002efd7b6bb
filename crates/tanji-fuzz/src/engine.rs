//! The stable-toolchain engine: mutation under a time budget, with a per-input time limit, a memory ceiling and
//! failing inputs saved for one-command reproduction.
//!
//! It is not coverage-guided (that needs compiler instrumentation; `scripts/fuzz.sh --libfuzzer` offers libFuzzer for
//! long runs). Its feedback is the *outcome* of each input — accepted, or refused with which kind of error — and an
//! input with an outcome not seen before joins the corpus, so later mutations start from files that got further.
//! Each round either edits a corpus file's bytes ([`crate::mutate`]) or makes a near-valid file from a seed
//! ([`crate::structured`]), so both the tokenisers and the validation behind them are exercised.
//!
//! Hangs and runaway memory cannot be caught in-process: a watchdog thread saves the input being run and ends the
//! process with a message naming the file and the command that reproduces it.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use arbitrary::Unstructured;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::mutate::mutate_bytes;
use crate::targets::Target;

/// How a run is bounded and where it writes.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Time budget for the target.
    pub duration: Duration,
    /// Seed of the random choices; the same seed, build and corpus repeat a run exactly.
    pub seed: u64,
    /// Longest input made by mutation, in bytes (seeds may be longer).
    pub max_len: usize,
    /// One input running longer than this is a hang.
    pub input_timeout: Duration,
    /// The process growing beyond this resident size is a memory failure.
    pub max_rss_bytes: u64,
    /// Failing inputs go to `artifacts/<target>/`.
    pub artifacts: PathBuf,
    /// Inputs with new outcomes go to `corpus/<target>/`, and the files there are read at the start.
    pub corpus: Option<PathBuf>,
}

/// A failure found, with the first input that showed it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// `panic` or `violation`.
    pub kind: &'static str,
    /// The panic message and place, or the broken promise.
    pub message: String,
    pub input: PathBuf,
    /// How many inputs showed it.
    pub count: u64,
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct Report {
    pub target: &'static str,
    pub executions: u64,
    pub elapsed: Duration,
    pub corpus_size: usize,
    pub n_outcomes: usize,
    pub n_accepted: u64,
    pub slowest: Duration,
    pub peak_rss_bytes: Option<u64>,
    pub findings: Vec<Finding>,
}

/// The message and place of the last panic, whichever thread it happened on.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);
static QUIET_PANICS: AtomicBool = AtomicBool::new(false);

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            let place = info.location().map_or_else(String::new, |location| location.to_string());
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some((message, place));
            }
            if !QUIET_PANICS.load(Ordering::Relaxed) {
                default_hook(info);
            }
        }));
    });
}

/// FNV-1a, to name saved inputs by their content.
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3))
}

/// Resident memory now, from `/proc/self/statm` (Linux); `None` elsewhere.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Peak resident memory since the last reset, from `/proc/self/status` (Linux).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak so that each target's peak is its own (Linux ≥ 4.0; otherwise the peak is the process's).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn save(dir: &Path, prefix: &str, input: &[u8], note: &str) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(format!("{prefix}-{:016x}", content_hash(input)));
    let _ = std::fs::write(&path, input);
    if !note.is_empty() {
        let _ = std::fs::write(path.with_extension("txt"), note);
    }
    path
}

/// The command that runs one saved input again.
pub fn repro_command(target: &str, path: &Path) -> String {
    format!("scripts/fuzz.sh --repro {target} {}", path.display())
}

/// Watches the input being run: too slow, or memory beyond the ceiling, ends the process after saving it.
struct Watchdog {
    input: Mutex<Vec<u8>>,
    /// Milliseconds since `epoch` at which the current input started, plus one; 0 when idle.
    started_ms: AtomicU64,
    stop: AtomicBool,
    epoch: Instant,
}

impl Watchdog {
    fn start(target: &'static str, settings: &Settings) -> Arc<Self> {
        let watchdog = Arc::new(Self {
            input: Mutex::new(Vec::new()),
            started_ms: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            epoch: Instant::now(),
        });
        let watched = Arc::clone(&watchdog);
        let settings = settings.clone();
        std::thread::spawn(move || watched.watch(target, &settings));
        watchdog
    }

    fn watch(&self, target: &'static str, settings: &Settings) {
        let timeout_ms = settings.input_timeout.as_millis() as u64;
        while !self.stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            let started = self.started_ms.load(Ordering::Relaxed);
            let now = self.epoch.elapsed().as_millis() as u64 + 1;
            let too_slow = started != 0 && now.saturating_sub(started) > timeout_ms;
            let rss = rss_bytes().unwrap_or(0);
            let too_big = rss > settings.max_rss_bytes;
            if too_slow || too_big {
                let input = self.input.lock().map(|input| input.clone()).unwrap_or_default();
                let (prefix, what) = if too_slow {
                    ("hang", format!("one input ran longer than {} ms", timeout_ms))
                } else {
                    (
                        "oom",
                        format!(
                            "resident memory reached {} MB (ceiling {} MB)",
                            rss >> 20,
                            settings.max_rss_bytes >> 20
                        ),
                    )
                };
                let path = save(&settings.artifacts.join(target), prefix, &input, &what);
                let _ = writeln!(
                    std::io::stderr(),
                    "\nFUZZ FAILURE in {target}: {what}.\n  input: {}\n  reproduce: {}",
                    path.display(),
                    repro_command(target, &path)
                );
                std::process::exit(if too_slow { 3 } else { 4 });
            }
        }
    }

    fn begin(&self, input: &[u8]) {
        if let Ok(mut current) = self.input.lock() {
            current.clear();
            current.extend_from_slice(input);
        }
        self.started_ms.store(self.epoch.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
    }

    fn end(&self) {
        self.started_ms.store(0, Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A finding's identity: a panic's place, or a violation's words without numbers.
fn finding_key(kind: &str, message: &str) -> String {
    let words: String = message.chars().filter(|character| !character.is_ascii_digit()).take(80).collect();
    format!("{kind}: {words}")
}

fn read_corpus_dir(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect();
    paths.sort();
    paths.iter().filter_map(|path| std::fs::read(path).ok()).collect()
}

/// Fuzzes `target` for the settings' duration. Progress lines go to `log`.
pub fn run(target: &'static Target, settings: &Settings, log: &mut dyn Write) -> Report {
    install_panic_hook();
    QUIET_PANICS.store(true, Ordering::Relaxed);
    reset_peak_rss();
    let seeds = (target.seeds)();
    let dictionary: Vec<Vec<u8>> = target.dictionary.iter().map(|word| word.as_bytes().to_vec()).collect();
    let mut corpus: Vec<Vec<u8>> = seeds.iter().map(|seed| seed.bytes.clone()).collect();
    let corpus_dir = settings.corpus.as_ref().map(|dir| dir.join(target.name));
    if let Some(dir) = &corpus_dir {
        corpus.extend(read_corpus_dir(dir));
    }
    let initial = corpus.clone();
    let artifacts = settings.artifacts.join(target.name);
    let watchdog = Watchdog::start(target.name, settings);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(settings.seed ^ content_hash(target.name.as_bytes()));
    let mut outcomes = HashSet::new();
    let mut findings: BTreeMap<String, Finding> = BTreeMap::new();
    let (mut executions, mut n_accepted) = (0u64, 0u64);
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    let mut next_progress = Duration::from_secs(10);
    let mut noise = vec![0u8; 4096];
    while executions < initial.len() as u64 || started.elapsed() < settings.duration {
        let input = if let Some(file) = initial.get(executions as usize) {
            file.clone()
        } else if rng.random_bool(0.4) {
            let n_noise = rng.random_range(64..noise.len());
            rng.fill(&mut noise[..n_noise]);
            let mut u = Unstructured::new(&noise[..n_noise]);
            match (target.structured)(&mut u, &seeds) {
                Ok(mut bytes) => {
                    bytes.truncate(settings.max_len);
                    bytes
                }
                Err(_) => continue,
            }
        } else {
            let parent = &corpus[rng.random_range(0..corpus.len())];
            mutate_bytes(&mut rng, parent, &corpus, &dictionary, settings.max_len)
        };
        watchdog.begin(&input);
        let run_started = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| (target.check)(&input)));
        let took = run_started.elapsed();
        watchdog.end();
        executions += 1;
        slowest = slowest.max(took);
        let failure = match result {
            Ok(Ok(outcome)) => {
                n_accepted += u64::from(outcome.is_accepted());
                if outcomes.insert(outcome) && corpus.len() < 4096 && executions > initial.len() as u64 {
                    if let Some(dir) = &corpus_dir {
                        save(dir, "new", &input, "");
                    }
                    corpus.push(input.clone());
                }
                None
            }
            Ok(Err(violation)) => Some(("violation", violation)),
            Err(_) => {
                let (message, place) = LAST_PANIC.lock().ok().and_then(|mut last| last.take()).unwrap_or_default();
                Some(("panic", format!("{message} (at {place})")))
            }
        };
        if let Some((kind, message)) = failure {
            let key = finding_key(kind, &message);
            if let Some(finding) = findings.get_mut(&key) {
                finding.count += 1;
            } else {
                let path = save(&artifacts, if kind == "panic" { "crash" } else { "violation" }, &input, &message);
                let _ = writeln!(
                    log,
                    "{}: {kind}: {message}\n  input: {}\n  reproduce: {}",
                    target.name,
                    path.display(),
                    repro_command(target.name, &path)
                );
                findings.insert(key, Finding { kind, message, input: path, count: 1 });
            }
        }
        if started.elapsed() >= next_progress {
            next_progress += Duration::from_secs(30);
            let _ = writeln!(
                log,
                "{}: {} executions in {:.0} s, {} outcomes, corpus {}, {} finding(s)",
                target.name,
                executions,
                started.elapsed().as_secs_f64(),
                outcomes.len(),
                corpus.len(),
                findings.len()
            );
        }
    }
    drop(watchdog);
    QUIET_PANICS.store(false, Ordering::Relaxed);
    Report {
        target: target.name,
        executions,
        elapsed: started.elapsed(),
        corpus_size: corpus.len(),
        n_outcomes: outcomes.len(),
        n_accepted,
        slowest,
        peak_rss_bytes: peak_rss_bytes(),
        findings: findings.into_values().collect(),
    }
}
