//! Running the real `tanji` binary in tests: one environment for every command-line suite, so that what a test sees
//! does not depend on who runs it (no database URL from the shell, no colours, English unless the test asks for
//! Chinese with `--lang zh-CN` or a `LANG`).
//!
//! The binary's path is known only to the tests of the crate that builds it: pass `env!("CARGO_BIN_EXE_tanji")`.

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};

/// `tanji` with the suites' environment, ready for `.args(…)` (and `.env(…)` for a data directory or a locale).
pub fn command(binary: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(binary);
    command
        .env_remove("TANJI_DATABASE_URL")
        .env("NO_COLOR", "1")
        // English unless a test asks for Chinese: the locale of whoever runs the tests must not decide.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null());
    command
}

/// Runs `tanji ARGUMENTS` to the end.
pub fn run(binary: impl AsRef<OsStr>, arguments: &[&str]) -> Output {
    command(binary).args(arguments).output().expect("running tanji")
}

/// What the command printed on stdout.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What the command printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
