#!/usr/bin/env bash
# Benchmark of `tanji inventory compute` as a user runs it — the whole process, on a generated activity CSV of N rows
# (default 1 000 000) — beside DuckDB computing the same activity × factor totals from the same CSV with one SQL query.
#
#   scripts/bench-inventory.sh [N_ROWS] [TANJI_BINARY] [N_RUNS]
#
# The CSV is seeded and has a realistic mix: electricity in kWh, MWh and 万kWh, coal with measured NCV/CC/OF, natural
# gas with default parameters, diesel and petrol, two refrigerants, road freight; 50 facilities with equity shares;
# 24 months of which the reporting year (2025) is half. tanji reads, checks and calculates every row in one pass (unit
# conversion, factor, GWP, formula, consolidation) into the totals; every row has the same data source, so no record
# is superseded and the file is read once.
#
# DuckDB (the `duckdb-cli` package from PyPI, pinned below, installed into a venv at $TANJI_BENCH_VENV) joins the
# activities with a table of kg CO2e per unit of each kind of row *exported from tanji* (one line of a small
# inventory per kind, quantity 1) and with the facilities' shares, and sums by scope, ISO category and in total.
# It checks nothing and explains nothing: it is the floor of what summing a million products costs.
#
# Runs are interleaved (tanji, DuckDB, tanji, DuckDB …); the script prints the min and median wall time, CPU time
# (user + system) and peak RSS (`/usr/bin/time`) of each, and whether the two agree on the totals (relative
# difference below 1e-9). The load average is printed first: on a shared machine, read the CPU times.
# Use a release binary (`cargo build --release -p tanji-cli`); debug builds are 10–30× slower.
set -euo pipefail
N_ROWS=${1:-1000000}
BIN=${2:-target/release/tanji}
N_RUNS=${3:-5}
DUCKDB_CLI_VERSION=1.5.6
VENV=${TANJI_BENCH_VENV:-$HOME/.cache/tanji-bench-venv}
# TANJI_BENCH_WORK: a directory to keep the generated files in and reuse on the next run with the same N_ROWS
# (generating a million rows takes longer than computing them); by default a temporary directory, removed at exit.
if [ -n "${TANJI_BENCH_WORK:-}" ]; then
    WORK=$TANJI_BENCH_WORK
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

if [ ! -x "$VENV/bin/duckdb" ] || [ "$("$VENV/bin/duckdb" --version | cut -d' ' -f1)" != "v$DUCKDB_CLI_VERSION" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "duckdb-cli==$DUCKDB_CLI_VERSION"
fi
DUCKDB="$VENV/bin/duckdb"

if [ "$(cat "$WORK/n_rows" 2>/dev/null)" != "$N_ROWS" ]; then
python3 - "$N_ROWS" "$WORK" <<'PY'
import random, sys
n_rows, work = int(sys.argv[1]), sys.argv[2]
random.seed(20261207)
n_facilities = 50
# (weight, source, unit, cells, typical quantity)
kinds = [
    (30, "purchased_electricity", "kWh", {"factor": "mee-nbs-2022-grid-cn-grid-east"}, 300000),
    (8, "purchased_electricity", "MWh", {"factor": "mee-nbs-2022-grid-cn-grid-east"}, 300),
    (6, "purchased_electricity", "万kWh", {"factor": "mee-nbs-2021-grid-cn-national"}, 30),
    (10, "stationary_combustion", "t", {"method": "fuel_combustion", "ncv": "20.9", "ncv_unit": "GJ/t",
                                         "carbon_content": "0.0262", "oxidation": "0.93"}, 400),
    (10, "stationary_combustion", "10^4Nm3", {"method": "fuel_combustion", "ncv": "389", "ncv_unit": "GJ/10^4Nm3",
                                               "fuel_parameters": "ipcc-2006-ncv-cc-natural-gas"}, 2),
    (10, "mobile_combustion", "L", {"factor": "desnz-2024-diesel-average-biofuel-blend-l"}, 3000),
    (5, "mobile_combustion", "L", {"factor": "desnz-2024-petrol-average-biofuel-blend-l"}, 1500),
    (4, "fugitive", "kg", {"refrigerant": "R-410A"}, 5),
    (3, "fugitive", "kg", {"refrigerant": "R-134a"}, 3),
    (14, "scope3_4", "short_ton_mile", {"factor": "epa-hub-2025-t8-medium-and-heavy-duty-truck-short-ton-mile"}, 100000),
]
weights = [kind[0] for kind in kinds]
columns = ["id", "facility", "period", "source", "emission_point", "quantity", "unit", "data_source", "method",
           "factor", "ncv", "ncv_unit", "carbon_content", "oxidation", "fuel_parameters", "refrigerant",
           "uncertainty_percent"]
# The columns that tell one kind of row from another, for the join in DuckDB.
key_columns = ["source", "unit", "method", "factor", "ncv", "ncv_unit", "carbon_content", "oxidation",
               "fuel_parameters", "refrigerant"]


def row(row_id, facility, period, kind, quantity):
    _, source, unit, cells, _ = kind
    values = dict.fromkeys(columns, "")
    values.update(id=row_id, facility=facility, period=period, source=source, unit=unit, quantity=quantity,
                  data_source="meter", uncertainty_percent="5", **cells)
    return values


def key(values):
    return "|".join(values[column] for column in key_columns if values[column] != "")


with open(f"{work}/activities.csv", "w") as out:
    out.write(",".join(columns) + "\n")
    for row_idx in range(n_rows):
        kind = random.choices(kinds, weights)[0]
        month = row_idx * 24 // n_rows
        values = row(f"r{row_idx}", f"f{random.randrange(n_facilities)}", f"{2024 + month // 12}-{month % 12 + 1:02d}",
                     kind, f"{kind[4] * random.uniform(0.5, 1.5):.3f}")
        values["emission_point"] = f"p{random.randrange(997)}"
        out.write(",".join(values[column] for column in columns) + "\n")
with open(f"{work}/inventory.toml", "w") as out:
    out.write('organisation = "bench"\nreporting_year = 2025\ngwp = "AR6"\nconsolidation = "equity_share"\n')
    out.write('activities_csv = "activities.csv"\n')
    for facility in range(n_facilities):
        out.write(f'[[facilities]]\nkey = "f{facility}"\nequity_share_percent = {50 + facility % 51}\n')
with open(f"{work}/shares.csv", "w") as out:
    out.write("facility,share\n")
    for facility in range(n_facilities):
        out.write(f"f{facility},{(50 + facility % 51) / 100}\n")
# One row of each kind, quantity 1, for tanji to give the kg CO2e per unit that DuckDB multiplies by.
with open(f"{work}/rates-activities.csv", "w") as out, open(f"{work}/rate-keys.csv", "w") as keys:
    out.write(",".join(columns) + "\n")
    keys.write("id,kind\n")
    for kind_idx, kind in enumerate(kinds):
        values = row(f"k{kind_idx}", "rate", "2025-01", kind, "1")
        out.write(",".join(values[column] for column in columns) + "\n")
        keys.write(f"k{kind_idx},{key(values)}\n")
with open(f"{work}/rates.toml", "w") as out:
    out.write('organisation = "rates"\nreporting_year = 2025\ngwp = "AR6"\nconsolidation = "equity_share"\n')
    out.write('activities_csv = "rates-activities.csv"\n[[facilities]]\nkey = "rate"\n')
PY
echo "$N_ROWS" > "$WORK/n_rows"
fi

# The factor table, exported from tanji: kg CO2e per unit of each kind of row, with its scope and ISO category.
"$BIN" inventory compute "$WORK/rates.toml" --format json --lines --allow-incomplete > "$WORK/rates.json"
python3 - "$WORK" <<'PY'
import csv, json, sys
work = sys.argv[1]
kinds = dict(csv.reader(open(f"{work}/rate-keys.csv")))
lines = json.load(open(f"{work}/rates.json"))["inventory"]["lines"]
with open(f"{work}/rates.csv", "w") as out:
    out.write("kind,scope,iso_category,kg_co2e_per_unit\n")
    iso_numbers = {"direct": 1, "imported_energy": 2, "transportation": 3, "products_used": 4, "products_sold": 5,
                   "other": 6}
    for line in lines:
        scope = line["scope"].removeprefix("scope")
        iso_category = iso_numbers[line["iso_category"]]
        out.write(f"\"{kinds[line['record_id']]}\",{scope},{iso_category},{line['gross_co2e_kg']!r}\n")
PY

QUERY="
WITH activities AS (
    SELECT CAST(quantity AS DOUBLE) AS quantity, facility,
           concat_ws('|', source, unit, method, factor, ncv, ncv_unit, carbon_content, oxidation, fuel_parameters,
                     refrigerant) AS kind
    FROM read_csv('$WORK/activities.csv', all_varchar = true)
    WHERE period LIKE '2025-%'
), lines AS (
    SELECT rates.scope, rates.iso_category, activities.quantity * rates.kg_co2e_per_unit * shares.share AS co2e_kg
    FROM activities
    JOIN read_csv('$WORK/rates.csv', types = {'kind': 'VARCHAR'}) AS rates USING (kind)
    JOIN read_csv('$WORK/shares.csv') AS shares USING (facility)
)
SELECT CASE WHEN grouping(scope) = 0 THEN 'scope' || scope
            WHEN grouping(iso_category) = 0 THEN 'iso' || iso_category ELSE 'total' END AS total,
       sum(co2e_kg) AS kg
FROM lines GROUP BY GROUPING SETS ((scope), (iso_category), ()) ORDER BY total;"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows: $N_ROWS ($(du -h "$WORK/activities.csv" | cut -f1) CSV), binary: $BIN, DuckDB CLI $("$DUCKDB" --version | cut -d' ' -f1)"
for run_idx in $(seq "$N_RUNS"); do
    /usr/bin/time -o "$WORK/tanji.$run_idx" -f "%e %M %U %S" \
        "$BIN" inventory compute "$WORK/inventory.toml" --format json > "$WORK/tanji.json"
    /usr/bin/time -o "$WORK/duckdb.$run_idx" -f "%e %M %U %S" \
        "$DUCKDB" -csv -c "$QUERY" > "$WORK/duckdb.csv"
done

python3 - "$WORK" "$N_RUNS" <<'PY'
import csv, json, statistics, sys
work, n_runs = sys.argv[1], int(sys.argv[2])
for name in ["tanji", "duckdb"]:
    runs = [tuple(map(float, open(f"{work}/{name}.{run_idx}").read().split()[-4:])) for run_idx in range(1, n_runs + 1)]
    walls, rss_kib = [run[0] for run in runs], [run[1] for run in runs]
    # CPU time (user + system) is what the program itself costs; on a machine shared with other work the wall time
    # also counts the waiting for a core.
    cpus = [run[2] + run[3] for run in runs]
    print(f"{name:6}  wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s;"
          f"  CPU min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s;"
          f"  peak RSS min {min(rss_kib) / 1024:.0f} MiB, median {statistics.median(rss_kib) / 1024:.0f} MiB"
          f"  (wall {', '.join(f'{wall:.2f}' for wall in walls)} s)")
report = json.load(open(f"{work}/tanji.json"))
totals = report["inventory"]["totals"]
tanji = {"scope1": totals["scope1_kg"], "scope2": totals["scope2_location_kg"], "scope3": totals["scope3_kg"],
         "total": totals["total_location_kg"]}
tanji.update({f"iso{category}": kg for category, kg in totals["by_iso_category"].items()})
duckdb = {row["total"]: float(row["kg"]) for row in csv.DictReader(open(f"{work}/duckdb.csv"))}
print(f"lines {report['inventory']['n_lines']}, total {tanji['total'] / 1000:.1f} t CO2e, completeness "
      f"{totals['completeness']['status']}, diagnostics listed {len(report['inventory']['diagnostics'])}")
worst = max(abs(tanji[name] - duckdb.get(name, float("nan"))) / abs(tanji[name]) for name in tanji if tanji[name])
print(f"tanji and DuckDB agree on {len(tanji)} totals: largest relative difference {worst:.1e}"
      f" ({'same' if worst < 1e-9 else 'DIFFERENT'})")
PY
