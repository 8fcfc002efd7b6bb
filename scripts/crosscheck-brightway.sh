#!/usr/bin/env bash
# Brightway agrees with tanji on product systems tanji did not generate for a benchmark: the demo's cup and plate
# (and their baselines), exported with `tanji lca export`, scored by both tools.
#
#   scripts/crosscheck-brightway.sh [FOOTPRINT_FILE ...]     (default: examples/footprint/*.toml)
#
# Uses the virtualenv of scripts/bench-lca.sh (BENCH_VENV, default .venv-bench; created if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${BENCH_VENV:-.venv-bench}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "bw2calc==3.1.0" "bw_processing==1.6" "matrix_utils==0.9" "stats_arrays==4.0" \
  "pypardiso==0.4.7" "mkl==2026.2.0" "scipy==1.17.1" "numpy==2.4.6"
cargo build --release --locked -p tanji-cli
binary="${CARGO_TARGET_DIR:-target}/release/tanji"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(examples/footprint/*.toml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "${files[@]}"; do
  for which in product baseline; do
    out="$work/$(basename "$file" .toml)-$which"
    flag=(); [ "$which" = baseline ] && flag=(--baseline)
    "$binary" lca export "$file" "${flag[@]}" --out "$out" 2>/dev/null || continue
    "$binary" lca solve --technosphere "$out/A.mtx" --biosphere "$out/B.mtx" --characterization "$out/c.mtx" \
      --all-products > "$out/tanji-scores.csv"
    echo "== $file ($which)"
    "$venv/bin/python" scripts/crosscheck-brightway.py "$out" "$out/tanji-scores.csv" | tail -n 1
  done
done
