//! Small robust statistics shared by cleaning and benchmarking.

/// The median of `values` (reordered in place); NaN for an empty slice. The mean of the two middle values for an
/// even count.
pub fn median(values: &mut [f64]) -> f64 {
    let n_values = values.len();
    if n_values == 0 {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    if n_values % 2 == 1 { values[n_values / 2] } else { (values[n_values / 2 - 1] + values[n_values / 2]) / 2.0 }
}

/// The median of a copy of `values`.
pub fn median_of(values: &[f64]) -> f64 {
    median(&mut values.to_vec())
}

/// Lag-1 autocorrelation of a series (of residuals): ρ = Σ(eₜ − ē)(eₜ₋₁ − ē) / Σ(eₜ − ē)²; 0 when undefined.
pub fn lag1_autocorrelation(series: &[f64]) -> f64 {
    let n_values = series.len();
    if n_values < 3 {
        return 0.0;
    }
    let mean = series.iter().sum::<f64>() / n_values as f64;
    let denominator: f64 = series.iter().map(|value| (value - mean).powi(2)).sum();
    if denominator <= 0.0 {
        return 0.0;
    }
    let numerator: f64 = series.windows(2).map(|pair| (pair[1] - mean) * (pair[0] - mean)).sum();
    numerator / denominator
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn lag1_autocorrelation_of_an_alternating_series_is_negative() {
        // Mean 0, Σe² = 4, Σ eₜeₜ₋₁ = −3: ρ = −0.75.
        assert_eq!(lag1_autocorrelation(&[1.0, -1.0, 1.0, -1.0]), -0.75);
    }
}
