#!/usr/bin/env bash
# Benchmark of the inventory engine through the CLI: generates an inventory file with N activity rows (default
# 50 000: 50 facilities × 12 months × electricity, coal, gas, diesel, refrigerant … repeated) and times
# `tanji inventory compute` on it (parse + validate + calculate + table output), reporting wall time and peak RSS.
#
#   scripts/bench-inventory.sh [N_ROWS] [TANJI_BINARY]
#
# Use a release binary (`cargo build --release -p tanji-cli`); debug builds are 10–30× slower.
set -euo pipefail
N_ROWS=${1:-50000}
BIN=${2:-target/release/tanji}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$N_ROWS" "$WORK" <<'PY'
import sys, random
n_rows, work = int(sys.argv[1]), sys.argv[2]
random.seed(20261121)
n_facilities = 50
kinds = [
    ("purchased_electricity", "kWh", "factor=mee-nbs-2022-grid-cn-grid-east", 300000),
    ("stationary_combustion", "t", "method=fuel_combustion;ncv=20.9;carbon_content=0.0262;oxidation=0.93", 400),
    ("stationary_combustion", "10^4Nm3", "method=fuel_combustion;ncv=389;fuel_parameters=ipcc-2006-ncv-cc-natural-gas", 2),
    ("mobile_combustion", "L", "factor=desnz-2024-diesel-average-biofuel-blend-l", 3000),
    ("fugitive", "kg", "refrigerant=R-410A", 5),
    ("scope3_4", "short_ton_mile", "factor=epa-hub-2025-t8-medium-and-heavy-duty-truck-short-ton-mile", 100000),
]
columns = ["id", "facility", "period", "source", "emission_point", "quantity", "unit", "data_source", "method",
           "factor", "ncv", "carbon_content", "oxidation", "fuel_parameters", "refrigerant", "uncertainty_percent"]
with open(f"{work}/activities.csv", "w") as out:
    out.write(",".join(columns) + "\n")
    for index in range(n_rows):
        source, unit, method, scale = kinds[index % len(kinds)]
        row = dict.fromkeys(columns, "")
        row.update(id=f"r{index}", facility=f"f{(index // len(kinds)) % n_facilities}",
                   period=f"{2024 + (index // (len(kinds) * n_facilities * 12)) % 2}-{(index // (len(kinds) * n_facilities)) % 12 + 1:02d}",
                   source=source, emission_point=f"p{index % 997}", quantity=f"{scale * random.uniform(0.5, 1.5):.3f}",
                   unit=unit, data_source="meter", uncertainty_percent="5")
        for pair in method.split(";"):
            key, value = pair.split("=")
            row[key] = value
        out.write(",".join(row[column] for column in columns) + "\n")
with open(f"{work}/inventory.toml", "w") as out:
    out.write('organisation = "bench"\nreporting_year = 2025\ngwp = "AR6"\nconsolidation = "equity_share"\n')
    out.write('activities_csv = "activities.csv"\n')
    for facility in range(n_facilities):
        out.write(f'[[facilities]]\nkey = "f{facility}"\nequity_share_percent = {50 + facility % 51}\n')
PY

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "rows: $N_ROWS ($(du -h "$WORK/activities.csv" | cut -f1) CSV), binary: $BIN"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" "$BIN" inventory compute "$WORK/inventory.toml" --format json > "$WORK/out.json"
python3 -c "import json,collections; d=json.load(open('$WORK/out.json')); print(collections.Counter(x['kind'] for x in d['inventory']['diagnostics']).most_common(4))"
python3 -c "import json,sys; d=json.load(open('$WORK/out.json')); t=d['inventory']['totals']; print('lines', len(d['inventory']['lines']), 'total t CO2e', round(t['total_location_kg']/1000, 1), 'diagnostics', len(d['inventory']['diagnostics']))"
