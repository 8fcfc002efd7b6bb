#!/usr/bin/env bash
# Fuzz every parser of outside input (issue 15): inventory TOML, activity CSV (UTF-8 and GBK), own factor files,
# footprint model TOML, Matrix Market files and LCA systems, units, and the account fields of forms and the API.
#
#   scripts/fuzz.sh [MINUTES_PER_TARGET] [TARGET…]     the stable engine, each target in turn (default 5 minutes, all)
#   scripts/fuzz.sh --repro TARGET FILE…               run saved inputs again, panics with a backtrace
#   scripts/fuzz.sh --libfuzzer [MINUTES] [TARGET…]    coverage-guided libFuzzer, for long runs (see docs/development.md)
#   scripts/fuzz.sh --list                             the targets and what each feeds
#
# MINUTES may be a fraction (0.2 is 12 seconds). Failing inputs are saved under $TANJI_FUZZ_DIR/artifacts/TARGET/
# with a .txt saying what broke, and the exit status is non-zero; the corpus grows in $TANJI_FUZZ_DIR/corpus/TARGET/.
#
# Environment: TANJI_FUZZ_DIR (default target/fuzz), TANJI_FUZZ_SEED (default 1), TANJI_FUZZ_PROFILE (cargo profile,
# default fuzz: optimised with overflow checks; CI uses dev), TANJI_FUZZ_BINARY (a tanji-fuzz already built, e.g. by
# `cargo test`, instead of building one).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${TANJI_FUZZ_DIR:-target/fuzz}"
profile="${TANJI_FUZZ_PROFILE:-fuzz}"
seed="${TANJI_FUZZ_SEED:-1}"
target_dir="${CARGO_TARGET_DIR:-target}"

build() {
  if [ -n "${TANJI_FUZZ_BINARY:-}" ]; then
    binary="$TANJI_FUZZ_BINARY"
  else
    cargo build --locked --profile "$profile" -p tanji-fuzz --bin tanji-fuzz >&2
    local profile_dir="$profile"
    [ "$profile" = dev ] && profile_dir=debug
    binary="$target_dir/$profile_dir/tanji-fuzz"
  fi
  [ -x "$binary" ] || { echo "error: $binary is not an executable" >&2; exit 2; }
}

seconds_of() { awk -v minutes="$1" 'BEGIN { printf "%d", minutes * 60 + 0.5 }'; }

case "${1:-}" in
  --list)
    build
    exec "$binary" list
    ;;
  --repro)
    shift
    build
    RUST_BACKTRACE=1 exec "$binary" repro "$@"
    ;;
  --libfuzzer)
    shift
    minutes="${1:-30}"
    [ $# -gt 0 ] && shift
    build # the plain binary lists the targets and writes their seeds
    targets=("$@")
    [ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("$binary" list | cut -d' ' -f1)
    # libFuzzer needs the code compiled with coverage instrumentation: stable codegen options, given for the host
    # target only (`--target`), so build scripts are not instrumented, into a target directory of its own so the normal
    # build is not invalidated. libfuzzer-sys compiles libFuzzer itself with the system C++ compiler.
    host="$(rustc -vV | sed -n 's/^host: //p')"
    libfuzzer_dir="$dir/libfuzzer-build"
    RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares" CARGO_TARGET_DIR="$libfuzzer_dir" \
      cargo build --locked --profile fuzz --target "$host" -p tanji-fuzz --features libfuzzer --bin tanji-fuzz-libfuzzer >&2
    status=0
    for target in "${targets[@]}"; do
      corpus="$dir/libfuzzer-corpus/$target"
      artifacts="$dir/artifacts/$target"
      mkdir -p "$corpus" "$artifacts"
      "$binary" seeds "$target" "$corpus"
      echo "libFuzzer on $target for $minutes minute(s)" >&2
      TANJI_FUZZ_TARGET="$target" "$libfuzzer_dir/$host/fuzz/tanji-fuzz-libfuzzer" "$corpus" \
        -max_total_time="$(seconds_of "$minutes")" -max_len=131072 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 || status=1
    done
    [ $status -eq 0 ] || echo "FUZZ FAILURE: libFuzzer saved failing inputs under $dir/artifacts/ (first byte 0: the file itself)" >&2
    exit $status
    ;;
esac

minutes="${1:-5}"
[ $# -gt 0 ] && shift
build
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("$binary" list | cut -d' ' -f1)
seconds="$(seconds_of "$minutes")"
mkdir -p "$dir"
echo "fuzzing ${#targets[@]} target(s), $seconds s each; $(nproc) cores, $(rustc --version)" >&2
status=0
header=1
# One process per target: a hang or runaway memory (which end the process) does not stop the other targets.
for target in "${targets[@]}"; do
  code=0
  "$binary" run --seconds "$seconds" --seed "$seed" --artifacts "$dir/artifacts" --corpus "$dir/corpus" "$target" \
    > "$dir.row" || code=$?
  if [ $header -eq 1 ]; then head -n 2 "$dir.row"; header=0; fi
  tail -n +3 "$dir.row"
  case $code in
    0) ;;
    3) echo "| $target | — | — | — | — | — | — | — | HANG (see above) |"; status=1 ;;
    4) echo "| $target | — | — | — | — | — | — | — | MEMORY CEILING (see above) |"; status=1 ;;
    *) status=1 ;;
  esac
done
rm -f "$dir.row"
if [ $status -ne 0 ]; then
  echo "FUZZ FAILURE: see the inputs under $dir/artifacts/; reproduce one with scripts/fuzz.sh --repro TARGET FILE" >&2
fi
exit $status
