#!/usr/bin/env python3
"""Regenerates tanji's reference check against eemeter (OpenEEmeter, CalTRACK), crates/tanji-energy/tests/data/.

The series is eemeter's own sample `il-gas-hdd-only-daily` (simulated, not measured: a gas meter whose heating load
is 750 of 1,000 therms a year with a 60 °F balance point, and 10 % less energy in the reporting year). The script
writes its daily usage and daily mean temperature (°F, the mean of the hourly values of the day in UTC, as eemeter
computes it) for the year before the blackout and the year after, then fits eemeter's daily model with the CalTRACK
legacy settings on the baseline year, predicts the reporting year and records the figures tanji's golden test
compares with (tests/eemeter_reference.rs).

Run: python3 -m venv .venv && .venv/bin/pip install eemeter==4.1.1 pytz && .venv/bin/python scripts/eemeter-reference.py
"""

import json
import pathlib
import sys

import eemeter
import numpy as np
import pandas as pd
from eemeter.eemeter.models.daily.data import DailyBaselineData, DailyReportingData
from eemeter.eemeter.models.daily.model import DailyModel
from eemeter.eemeter.samples.load import load_sample

SAMPLE = "il-gas-hdd-only-daily"
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "tanji-energy" / "tests" / "data"


def main() -> int:
    meter, temperature, metadata = load_sample(SAMPLE)
    blackout_start = metadata["blackout_start_date"]
    blackout_end = metadata["blackout_end_date"]
    baseline_meter = meter[blackout_start - pd.Timedelta(days=365) : blackout_start - pd.Timedelta(days=1)]
    reporting_meter = meter[blackout_end + pd.Timedelta(days=1) : blackout_end + pd.Timedelta(days=365)]

    baseline = DailyBaselineData.from_series(baseline_meter["value"], temperature, is_electricity_data=False)
    reporting = DailyReportingData.from_series(reporting_meter["value"], temperature, is_electricity_data=False)
    model = DailyModel(model="legacy").fit(baseline, ignore_disqualification=True)
    predicted = model.predict(reporting)

    rows = []
    for period, frame in (("baseline", baseline.df), ("reporting", reporting.df)):
        for stamp, row in frame.iterrows():
            if np.isnan(row["observed"]) or np.isnan(row["temperature"]):
                continue
            rows.append(f"{period},{stamp.date()},{row['temperature']:.6f},{row['observed']:.6f}")
    (OUT / "eemeter-il-gas-hdd-only-daily.csv").write_text(
        "period,date,mean_temperature_f,usage_therm\n" + "\n".join(rows) + "\n"
    )

    reporting_days = predicted.dropna(subset=["observed", "predicted"])
    predicted_total = float(reporting_days["predicted"].sum())
    observed_total = float(reporting_days["observed"].sum())
    reference = {
        "sample": SAMPLE,
        "eemeter_version": eemeter.__version__ if hasattr(eemeter, "__version__") else "4.1.1",
        "settings": "DailyModel(model='legacy')",
        "stated": {
            "annual_baseline_total_load": metadata["annual_baseline_total_load"],
            "annual_reporting_total_load": metadata["annual_reporting_total_load"],
            "baseline_heating_balance_point_f": metadata["baseline_heating_balance_point"],
        },
        "n_baseline_days": int(baseline.df["observed"].notna().sum()),
        "n_reporting_days": int(len(reporting_days)),
        "reporting_predicted_therm": predicted_total,
        "reporting_observed_therm": observed_total,
        "savings_therm": predicted_total - observed_total,
        "savings_fraction": (predicted_total - observed_total) / predicted_total,
        "cvrmse": float(model.error["CVRMSE"]),
        "coefficients": model.to_dict()["submodels"]["fw-su_sh_wi"]["coefficients"],
    }
    (OUT / "eemeter-il-gas-hdd-only-daily.json").write_text(json.dumps(reference, indent=2) + "\n")
    print(json.dumps(reference, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
