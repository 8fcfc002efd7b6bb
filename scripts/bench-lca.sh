#!/usr/bin/env bash
# The LCA engine's benchmark (issue 4): tanji against Brightway (bw2calc with PARDISO) on the same seeded
# ecoinvent-sized system, in the same run, printing both tools' figures and the ratios.
#
#   scripts/bench-lca.sh [tanji bench lca options, e.g. --activities 20000 --iterations 2000 --seed 42]
#
# Environment: OUT (default target/bench-lca), BW_ITERATIONS (Brightway Monte Carlo iterations, default 100),
# BENCH_VENV (the virtualenv for Brightway, default .venv-bench, created if missing; not committed).
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
"$binary" bench lca --out "$out" "$@"
"$venv/bin/python" scripts/bench-lca-brightway.py "$out" --iterations "${BW_ITERATIONS:-100}"
