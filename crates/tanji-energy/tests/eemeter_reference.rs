//! Reference check against an established baseline tool: eemeter 4.1.1 (OpenEEmeter, the CalTRACK methods) on its own
//! sample series `il-gas-hdd-only-daily` (simulated by eemeter's authors: 1,000 therms a year, 750 of them heating
//! with a 60 °F balance point, and 10 % less energy in the reporting year). `scripts/eemeter-reference.py` writes the
//! daily data and eemeter's figures to `tests/data/`; this test fits tanji's heating change-point baseline
//! (`regression::fit_change_point`, a grid search of ordinary least squares) on the same baseline year and checks
//! that it finds what eemeter finds: the balance point, the coefficients, the adjusted baseline of the reporting year
//! and the savings.
//!
//! Temperatures stay in °F here: the model is linear in the degree-days, so the unit of the balance point is the
//! unit of the data.

use tanji_energy::regression::{
    ChangePoint, Conditions, Observation, Resolution, Term, fit_change_point, normalised_savings,
};

const DATA: &str = include_str!("data/eemeter-il-gas-hdd-only-daily.csv");
const REFERENCE: &str = include_str!("data/eemeter-il-gas-hdd-only-daily.json");

fn observations(period: &str) -> Vec<Observation> {
    let mut reader = csv::Reader::from_reader(DATA.as_bytes());
    reader
        .records()
        .map(|record| record.expect("a row"))
        .filter(|record| &record[0] == period)
        .map(|record| Observation {
            energy_kwh: record[3].parse().expect("usage"),
            conditions: Conditions {
                production_units: 0.0,
                mean_temperature_c: Some(record[2].parse().expect("temperature")),
                ..Conditions::default()
            },
        })
        .collect()
}

fn reference(path: &[&str]) -> f64 {
    let value: serde_json::Value = serde_json::from_str(REFERENCE).expect("JSON");
    path.iter().fold(&value, |value, key| &value[*key]).as_f64().unwrap_or_else(|| panic!("{path:?}"))
}

#[test]
fn the_heating_baseline_matches_eemeter_on_its_sample_series() {
    let baseline_days = observations("baseline");
    let reporting_days = observations("reporting");
    assert_eq!(baseline_days.len() as f64, reference(&["n_baseline_days"]));
    assert_eq!(reporting_days.len() as f64, reference(&["n_reporting_days"]));

    // Balance points from 30 °F to 90 °F in steps of 0.1 °F (eemeter searches the same range continuously).
    let candidates: Vec<f64> = (300..=900).map(|tenths| f64::from(tenths) / 10.0).collect();
    let fit = fit_change_point(&baseline_days, ChangePoint::Heating, &candidates, false, Resolution::Daily)
        .expect("the baseline fits");
    let baseline = &fit.baseline;
    let slope =
        baseline.coefficient(|term| matches!(term, Term::HeatingBelow { .. })).expect("a heating term").estimate;
    let intercept = baseline.non_production_load_kwh().expect("an intercept");

    // eemeter: balance point 59.86 °F, intercept 0.7792 therm/day, 0.2194 therm per °F-day (its sign convention
    // makes the heating slope negative).
    let close = |what: &str, ours: f64, theirs: f64, tolerance: f64| {
        assert!((ours - theirs).abs() <= tolerance, "{what}: tanji {ours}, eemeter {theirs}");
    };
    close("balance point °F", fit.balance_point_c, reference(&["coefficients", "hdd_bp"]), 0.5);
    close("intercept", intercept, reference(&["coefficients", "intercept"]), 0.01);
    close("heating slope", slope, -reference(&["coefficients", "hdd_beta"]), 0.005);

    // The reporting year: the adjusted baseline and the savings agree with eemeter's to 0.1 % of the baseline.
    let savings = normalised_savings(baseline, &reporting_days, 0.9).expect("savings");
    let predicted = reference(&["reporting_predicted_therm"]);
    close("adjusted baseline", savings.adjusted_baseline_kwh, predicted, predicted * 0.001);
    close("reporting use", savings.reporting_kwh, reference(&["reporting_observed_therm"]), 1e-6);
    close("savings", savings.savings_kwh, reference(&["savings_therm"]), predicted * 0.001);
    // The sample's stated 10 % cut is of a year at the baseline year's weather; at the reporting year's weather both
    // tools count 8.2 %, and the stated figure lies within tanji's 90 % uncertainty.
    let stated_fraction = 1.0
        - reference(&["stated", "annual_reporting_total_load"]) / reference(&["stated", "annual_baseline_total_load"]);
    let fraction = savings.savings_kwh / savings.adjusted_baseline_kwh;
    close("savings fraction", fraction, reference(&["savings_fraction"]), 0.001);
    let uncertainty_fraction = savings.uncertainty_kwh / savings.adjusted_baseline_kwh;
    assert!(
        (stated_fraction - fraction).abs() <= uncertainty_fraction,
        "stated {stated_fraction}, found {fraction} ± {uncertainty_fraction}"
    );
}
