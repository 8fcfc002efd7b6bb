#!/usr/bin/env bash
# Benchmark of the energy engine (issue 9): `tanji bench energy` generates the factory workload as CSV and times its
# steps; DuckDB then times the same steps on the same CSV in the same run, and the two answers are compared.
#
#   scripts/bench-energy.sh [FACTORIES] [DAYS] [TANJI_BINARY] [-- extra `tanji bench energy` arguments]
#
# Defaults: 20 factories × 10 lines × 3 meters, 365 days at 15 minutes (21.0M register rows, 7.0M production rows),
# target/release/tanji. Extra arguments go to `tanji bench energy`, e.g. `-- --store --mqtt mqtt://127.0.0.1:1883`
# for the database and MQTT steps.
#
# DuckDB (the `duckdb-cli` package from PyPI, pinned below, in a venv at $TANJI_BENCH_VENV — the same one
# scripts/bench-inventory.sh uses) runs, each statement timed by its `.timer`:
#   load            read_csv of readings.csv and production.csv into tables
#   register → kWh  value − lag(value) per meter (the workload has no resets or gaps, so no cleaning rule applies;
#                   tanji runs its full cleaning: gaps, resets, spike flags)
#   daily per line  sum of the interval kWh by line and local day of the interval's start
#   monthly SEC     kWh / units per line and month, gap to the median of the factory's other lines
#   last reading    arg_max(value, ts) per meter
#   one line's week the first line's first week, by hour
# and the answers are compared: the hot line found, and every line-month's SEC and ratio to its peers' median
# (1 + gap) to 1e-9 relative. Both run on the same machine at the same time; the load average is printed first.
# Use a release binary (`cargo build --release -p tanji-cli`); debug builds are 10–30× slower.
set -euo pipefail
FACTORIES=${1:-20}
DAYS=${2:-365}
BIN=${3:-target/release/tanji}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")
DUCKDB_CLI_VERSION=1.5.6
VENV=${TANJI_BENCH_VENV:-$HOME/.cache/tanji-bench-venv}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/duckdb" ] || [ "$("$VENV/bin/duckdb" --version | cut -d' ' -f1)" != "v$DUCKDB_CLI_VERSION" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "duckdb-cli==$DUCKDB_CLI_VERSION"
fi
DUCKDB="$VENV/bin/duckdb"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN, DuckDB CLI $("$DUCKDB" --version | cut -d' ' -f1)"
/usr/bin/time -o "$WORK/tanji.time" -f "%e %M %U %S" \
    "$BIN" bench energy --factories "$FACTORIES" --days "$DAYS" --out "$WORK" "${EXTRA[@]}"

FIRST_LINE=F01-L01
cat > "$WORK/steps.sql" <<SQL
.timer on
CREATE TABLE readings AS SELECT * FROM read_csv('$WORK/readings.csv', header = true,
    columns = {'meter': 'VARCHAR', 'ts': 'TIMESTAMP', 'value': 'DOUBLE'}, timestampformat = '%Y-%m-%d %H:%M');
CREATE TABLE production AS SELECT * FROM read_csv('$WORK/production.csv', header = true,
    columns = {'line': 'VARCHAR', 'ts': 'TIMESTAMP', 'sku': 'VARCHAR', 'units': 'DOUBLE'},
    timestampformat = '%Y-%m-%d %H:%M');
CREATE TABLE intervals AS
    SELECT split_part(meter, '-M', 1) AS line, meter, ts,
           value - lag(value) OVER (PARTITION BY meter ORDER BY ts) AS kwh
    FROM readings QUALIFY kwh IS NOT NULL;
CREATE TABLE daily AS
    SELECT line, CAST(ts - INTERVAL 15 MINUTE AS DATE) AS day, sum(kwh) AS kwh FROM intervals GROUP BY ALL;
CREATE TABLE gaps AS
    WITH energy AS (SELECT line, date_trunc('month', day) AS month, sum(kwh) AS kwh FROM daily GROUP BY ALL),
    output AS (SELECT line, any_value(sku) AS factory, date_trunc('month', CAST(ts - INTERVAL 15 MINUTE AS DATE)) AS month,
                      sum(units) AS units FROM production GROUP BY line, month),
    sec AS (SELECT line, factory, month, kwh / units AS sec FROM energy JOIN output USING (line, month) WHERE units > 0)
    SELECT a.line, strftime(a.month, '%Y-%m') AS month, a.sec, a.sec / median(b.sec) - 1 AS gap
    FROM sec a JOIN sec b ON a.factory = b.factory AND a.month = b.month AND a.line <> b.line
    GROUP BY a.line, a.month, a.sec;
CREATE TABLE last_readings AS SELECT meter, max(ts) AS ts, arg_max(value, ts) AS value FROM readings GROUP BY meter;
CREATE TABLE week AS
    SELECT date_trunc('hour', ts - INTERVAL 15 MINUTE) AS hour, sum(kwh) AS kwh FROM intervals
    WHERE line = '$FIRST_LINE' AND ts - INTERVAL 15 MINUTE < TIMESTAMP '2025-01-08' GROUP BY ALL;
.timer off
.mode csv
COPY (SELECT line, avg(gap) AS mean_gap FROM gaps GROUP BY line ORDER BY mean_gap DESC LIMIT 1) TO '$WORK/duckdb-hot.csv';
COPY (SELECT count(*) AS n, max(abs(t.sec_kwh_per_unit / d.sec - 1)) AS sec, max(abs((1 + t.gap) / (1 + d.gap) - 1)) AS ratio,
             (SELECT count(*) FROM gaps) AS n_duckdb, (SELECT count(*) FROM read_csv('$WORK/monthly_sec_gaps.csv')) AS n_tanji
      FROM read_csv('$WORK/monthly_sec_gaps.csv', types = {'month': 'VARCHAR'}) t JOIN gaps d USING (line, month))
    TO '$WORK/agreement.csv';
COPY (SELECT count(*) AS n_meters, (SELECT count(*) FROM week) AS n_hours FROM last_readings) TO '$WORK/duckdb-sizes.csv';
SQL
/usr/bin/time -o "$WORK/duckdb.time" -f "%e %M %U %S" "$DUCKDB" "$WORK/duckdb.db" < "$WORK/steps.sql" > "$WORK/duckdb.out"

python3 - "$WORK" <<'PY'
import csv, json, re, sys
work = sys.argv[1]
tanji = json.load(open(f"{work}/tanji-bench-energy.json"))
times = [float(match) for match in re.findall(r"Run Time \(s\): real ([0-9.]+)", open(f"{work}/duckdb.out").read())]
if len(times) != 7:
    sys.exit(f"expected 7 timed DuckDB statements, found {len(times)}:\n" + open(f"{work}/duckdb.out").read())
duckdb = {"load": times[0] + times[1], "register": times[2], "daily": times[3], "monthly": times[4], "last": times[5],
          "week": times[6]}
steps = [("load from CSV", "load_csv_s", "load"), ("register → interval kWh", "register_to_interval_s", "register"),
         ("daily kWh per line", "daily_kwh_per_line_s", "daily"),
         ("monthly SEC vs peer median", "monthly_sec_vs_peer_median_s", "monthly"),
         ("last reading per meter", "last_reading_per_meter_s", "last"),
         ("one line's week by hour", "one_line_week_hourly_s", "week")]
print(f"workload: {tanji['n_factories']} factories, {tanji['n_lines']} lines, {tanji['n_meters']} meters: "
      f"{tanji['n_reading_rows']:,} register rows, {tanji['n_production_rows']:,} production rows")
print(f"{'step':28} {'tanji s':>9} {'DuckDB s':>9} {'DuckDB/tanji':>13}")
for label, tanji_key, duckdb_key in steps:
    ours, theirs = tanji[tanji_key], duckdb[duckdb_key]
    ratio = theirs / ours if ours > 0 else float("inf")
    print(f"{label:28} {ours:9.3f} {theirs:9.3f} {ratio:12.1f}×")
for name in ["tanji", "duckdb"]:
    wall, rss_kib, user, system = map(float, open(f"{work}/{name}.time").read().split()[-4:])
    print(f"{name:6} process: wall {wall:.2f} s, CPU {user + system:.2f} s, peak RSS {rss_kib / 1024:.0f} MiB")
hot = next(csv.DictReader(open(f"{work}/duckdb-hot.csv")))
print(f"hot line: generated {tanji['hot_line_generated']}, tanji found {tanji['hot_line_found']}, "
      f"DuckDB found {hot['line']} (mean monthly gap {float(hot['mean_gap']) * 100:.1f}%)")
agreement = next(csv.DictReader(open(f"{work}/agreement.csv")))
same = float(agreement["sec"]) < 1e-9 and float(agreement["ratio"]) < 1e-9 and \
    agreement["n"] == agreement["n_duckdb"] == agreement["n_tanji"]
print(f"line-months compared: {agreement['n']} (tanji {agreement['n_tanji']}, DuckDB {agreement['n_duckdb']}); "
      f"largest relative difference: SEC {float(agreement['sec']):.1e}, ratio to peer median "
      f"{float(agreement['ratio']):.1e} ({'same' if same else 'DIFFERENT'})")
if tanji.get("store"):
    store = tanji["store"]
    print(f"store (SQLite): load {store['load_through_store_s']:.2f} s ({store['readings_per_s']:,.0f} readings/s); "
          f"daily per line {store['daily_kwh_per_line_from_rollups_s']:.3f} s; last reading per meter "
          f"{store['last_reading_per_meter_from_store_s']:.3f} s; one line's week {store['one_line_week_hourly_from_rollups_s']:.3f} s; "
          f"year's kWh from roll-ups vs cleaning: relative difference "
          f"{abs(store['total_kwh_from_rollups'] / tanji['total_kwh'] - 1):.1e}")
if tanji.get("mqtt"):
    mqtt = tanji["mqtt"]
    print(f"MQTT: {mqtt['n_published']:,} published, {mqtt['n_stored']:,} stored, {mqtt['readings_per_s']:,.0f} readings/s")
PY
