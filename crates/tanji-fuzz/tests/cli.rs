//! The `tanji-fuzz` command as scripts/fuzz.sh and CI use it: a short run prints its figures and passes, and a saved
//! input is reproduced by name. (Building this test also builds the binary that `.ci/run` runs.)

use std::process::Command;

fn tanji_fuzz() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tanji-fuzz"))
}

#[test]
fn a_short_run_prints_one_table_row_per_target() {
    let artifacts = std::env::temp_dir().join(format!("tanji-fuzz-test-{}", std::process::id()));
    let output = tanji_fuzz()
        .args(["run", "--seconds", "1", "--artifacts"])
        .arg(&artifacts)
        .args(["units", "matrix_market"])
        .output()
        .expect("running tanji-fuzz");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<&str> =
        stdout.lines().filter(|line| line.starts_with("| units") || line.starts_with("| matrix_market")).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(rows.iter().all(|row| row.ends_with("| none |")), "{stdout}");
    let _ = std::fs::remove_dir_all(artifacts);
}

#[test]
fn repro_runs_a_saved_input_and_an_unknown_target_is_named() {
    let file = std::env::temp_dir().join(format!("tanji-fuzz-repro-{}.mtx", std::process::id()));
    std::fs::write(&file, "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n").expect("writing a file");
    let output = tanji_fuzz().args(["repro", "matrix_market"]).arg(&file).output().expect("running tanji-fuzz");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains(": ok (IndexOutOfRange "));
    let output = tanji_fuzz().args(["run", "--seconds", "0", "no_such_target"]).output().expect("running tanji-fuzz");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("hint: the targets are inventory_toml"));
    let _ = std::fs::remove_file(file);
}
