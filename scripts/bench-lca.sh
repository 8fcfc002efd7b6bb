#!/usr/bin/env bash
# The LCA engine's benchmark (issue 4): tanji against Brightway (bw2calc with PARDISO) on the same seeded
# ecoinvent-sized system, in the same run, printing both tools' figures and the ratios.
#
#   scripts/bench-lca.sh [tanji bench lca options, e.g. --activities 20000 --iterations 2000 --seed 42]
#
# Then the commands users run, as whole processes from the same files, tanji and Brightway (Python start-up included)
# alternating: `tanji lca solve --all-products` and `--demand 1` (the solver policy, and `--method lu`, the LU alone),
# and `tanji lca monte-carlo --resample-all`, against scripts/bench-lca-brightway-process.py; `--all-products` and
# Monte Carlo also from the datapackage zip Brightway reads (`--datapackage brightway.zip`); min and median of RUNS
# runs each, and the ratios.
#
# Environment: OUT (default target/bench-lca), BW_ITERATIONS (Brightway Monte Carlo iterations, default 100),
# BENCH_VENV (the virtualenv for Brightway, default .venv-bench, created if missing; not committed), RUNS (whole-process
# runs of each deterministic command, default 5), MC_RUNS (of each Monte Carlo command, default 3), MC_ITERATIONS
# (iterations of each whole-process Monte Carlo run, default 100), THREADS (tanji's Monte Carlo threads, default 2),
# WHOLE_PROCESS_ONLY (1: reuse the files already in OUT and time only the whole processes).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-target/bench-lca}"
venv="${BENCH_VENV:-.venv-bench}"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Pinned: the versions the figures in BENCHMARKS.md were measured with.
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "bw2calc==3.1.0" "bw_processing==1.6" "matrix_utils==0.9" "stats_arrays==4.0" \
  "pypardiso==0.4.7" "mkl==2026.2.0" "scipy==1.17.1" "numpy==2.4.6"

cargo build --release --locked -p tanji-cli
binary="${CARGO_TARGET_DIR:-target}/release/tanji"

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), \
$(free -g | awk '/^Mem:/ {print $2}') GiB; $(rustc --version); $("$venv/bin/python" --version)" >&2
if [ "${WHOLE_PROCESS_ONLY:-0}" = 1 ] && [ -f "$out/brightway.zip" ]; then
  echo "WHOLE_PROCESS_ONLY=1: reusing the files in $out, skipping the in-process figures" >&2
else
  "$binary" bench lca --out "$out" "$@"
  "$venv/bin/python" scripts/bench-lca-brightway.py "$out" --iterations "${BW_ITERATIONS:-100}"
fi

# Whole processes, interleaved: each run times tanji, then Brightway, on the same files.
runs="${RUNS:-5}"
mc_runs="${MC_RUNS:-3}"
mc_iterations="${MC_ITERATIONS:-100}"
threads="${THREADS:-2}"
python="$venv/bin/python"
process="scripts/bench-lca-brightway-process.py"
files=(--technosphere "$out/A.mtx" --biosphere "$out/B.mtx" --characterization "$out/c.mtx")
timings="$out/whole-process.csv"
echo "case,tool,run,seconds" > "$timings"
# time_one CASE TOOL RUN COMMAND…: wall-clock time of one whole process, its stdout kept as OUT/CASE.TOOL.out.
time_one() {
  local case=$1 tool=$2 run=$3
  shift 3
  local started ended
  started=$(date +%s%N)
  "$@" > "$out/$case.$tool.out"
  ended=$(date +%s%N)
  echo "$case,$tool,$run,$(( (ended - started) / 1000 ))e-6" >> "$timings"
}
echo "load average before the whole-process runs: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$binary" lca solve "${files[@]}" --all-products --timings > /dev/null
"$binary" lca solve "${files[@]}" --all-products --method lu --timings > /dev/null
for run in $(seq "$runs"); do
  time_one all-products tanji "$run" "$binary" lca solve "${files[@]}" --all-products
  time_one all-products brightway "$run" "$python" "$process" "$out" all-products
  time_one all-products-lu tanji "$run" "$binary" lca solve "${files[@]}" --all-products --method lu
  time_one demand tanji "$run" "$binary" lca solve "${files[@]}" --demand 1
  time_one demand brightway "$run" "$python" "$process" "$out" demand 1
  time_one demand-lu tanji "$run" "$binary" lca solve "${files[@]}" --demand 1 --method lu
  # The same file Brightway reads: the datapackage zip (activity ids are the 1-based columns).
  time_one all-products-datapackage tanji "$run" "$binary" lca solve --datapackage "$out/brightway.zip" --all-products
done
for run in $(seq "$mc_runs"); do
  time_one monte-carlo tanji "$run" "$binary" lca monte-carlo "${files[@]}" --uncertainty "$out/uncertainty.csv" \
    --demand 1 --iterations "$mc_iterations" --seed 42 --threads "$threads" --resample-all
  time_one monte-carlo brightway "$run" "$python" "$process" "$out" monte-carlo 1 "$mc_iterations" 42
  time_one monte-carlo-datapackage tanji "$run" "$binary" lca monte-carlo --datapackage "$out/brightway.zip" \
    --demand 1 --iterations "$mc_iterations" --seed 42 --threads "$threads" --resample-all
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$python" - "$out" "$mc_iterations" <<'PY'
import csv, json, statistics, sys
from pathlib import Path
out, iterations = Path(sys.argv[1]), int(sys.argv[2])
times = {}
for row in csv.DictReader(open(out / "whole-process.csv")):
    times.setdefault((row["case"], row["tool"]), []).append(float(row["seconds"]))
def scores(name):
    lines = (out / name).read_text().splitlines()[1:]
    return {int(line.split(",")[0]): float(line.split(",")[1]) for line in lines}
def largest_difference(left, right):
    return max(abs(left[k] - right[k]) / max(abs(left[k]), abs(right[k]), 1e-300) for k in right)
print(f"\nwhole processes (min / median of {len(times[('all-products', 'tanji')])} interleaved runs; Monte Carlo {len(times[('monte-carlo', 'tanji')])} runs of {iterations} iterations):")
print(f"{'command':<46} {'tanji':>17} {'Brightway':>17} {'Brightway / tanji':>20}")
for case, bw_case, label in [
    ("all-products", "all-products", "lca solve --all-products (policy)"),
    ("all-products-lu", "all-products", "lca solve --all-products --method lu"),
    ("all-products-datapackage", "all-products", "lca solve --datapackage brightway.zip --all-products"),
    ("demand", "demand", "lca solve --demand 1 (policy)"),
    ("demand-lu", "demand", "lca solve --demand 1 --method lu"),
    ("monte-carlo", "monte-carlo", "lca monte-carlo --resample-all"),
    ("monte-carlo-datapackage", "monte-carlo", "lca monte-carlo --datapackage brightway.zip --resample-all"),
]:
    t, b = times[(case, "tanji")], times[(bw_case, "brightway")]
    print(f"{label:<46} {min(t):7.2f} / {statistics.median(t):6.2f} s {min(b):7.2f} / {statistics.median(b):6.2f} s"
          f" {min(b) / min(t):8.2f}× / {statistics.median(b) / statistics.median(t):5.2f}×")
print(f"largest relative difference of every product's score, tanji vs Brightway: "
      f"{largest_difference(scores('all-products.tanji.out'), scores('all-products.brightway.out')):.2e} (policy), "
      f"{largest_difference(scores('all-products-lu.tanji.out'), scores('all-products.brightway.out')):.2e} (LU), "
      f"{largest_difference(scores('all-products-datapackage.tanji.out'), scores('all-products.brightway.out')):.2e} (from brightway.zip)")
print(f"one demand: {largest_difference(scores('demand.tanji.out'), scores('demand.brightway.out')):.2e} (policy), "
      f"{largest_difference(scores('demand-lu.tanji.out'), scores('demand.brightway.out')):.2e} (LU)")
tanji_mc = json.loads((out / "monte-carlo.tanji.out").read_text())
tanji_mc_package = json.loads((out / "monte-carlo-datapackage.tanji.out").read_text())
bw_mc = json.loads((out / "monte-carlo.brightway.out").read_text())
print("Monte Carlo percentiles 2.5/50/97.5: tanji " + " / ".join(f"{p['value']:.4f}" for p in tanji_mc["summary"]["percentiles"])
      + ", tanji from brightway.zip " + " / ".join(f"{p['value']:.4f}" for p in tanji_mc_package["summary"]["percentiles"])
      + ", Brightway " + " / ".join(f"{v:.4f}" for v in bw_mc["percentiles"].values()))
PY
