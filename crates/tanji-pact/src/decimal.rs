//! PACT's `string<decimal>`: exact decimal numbers written as JSON strings (`"5.14"`, `"-14.22"`).
//!
//! tanji computes in `f64`; PACT states each figure as a decimal and checks that the parts add up
//! (pcfExcludingBiogenicUptake = fossil + land-use change + …). Adding the `f64`s and then formatting would not
//! guarantee that the written parts sum to the written total, so every figure is first rounded to
//! [`Decimal::SCALE`] decimal places as an integer count of 10⁻⁹, and sums are taken over those integers: the
//! identity then holds exactly in the text a partner reads.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal with nine places: an integer number of 10⁻⁹.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal {
    nanos: i128,
}

/// Why a text or number is not a PACT decimal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecimalError {
    /// Not `[+-]digits[.digits]`.
    #[error("not a decimal number: {0:?}")]
    Malformed(String),
    /// NaN, infinite, or too large to hold.
    #[error("not a finite number of a sensible size")]
    NotFinite,
}

const NANOS_PER_UNIT: i128 = 1_000_000_000;

impl Decimal {
    /// Decimal places kept.
    pub const SCALE: u32 = 9;
    /// Zero.
    pub const ZERO: Decimal = Decimal { nanos: 0 };

    /// `value` rounded half away from zero to [`Self::SCALE`] places.
    pub fn from_f64(value: f64) -> Result<Self, DecimalError> {
        let scaled = (value * NANOS_PER_UNIT as f64).round();
        if !scaled.is_finite() || scaled.abs() > 1e30 {
            return Err(DecimalError::NotFinite);
        }
        Ok(Decimal { nanos: scaled as i128 })
    }

    /// A whole number.
    pub const fn from_integer(value: i64) -> Self {
        Decimal { nanos: value as i128 * NANOS_PER_UNIT }
    }

    /// Reads PACT's decimal syntax, `^[+-]?\d+(\.\d+)?$`; places beyond nine are rounded.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let malformed = || DecimalError::Malformed(text.to_owned());
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|fraction| !digits(fraction)) || whole.len() > 20 {
            return Err(malformed());
        }
        let mut nanos: i128 = whole.parse::<i128>().map_err(|_| malformed())? * NANOS_PER_UNIT;
        if let Some(fraction) = fraction {
            let mut place = NANOS_PER_UNIT / 10;
            for (index, byte) in fraction.bytes().enumerate() {
                let digit = i128::from(byte - b'0');
                if index < Self::SCALE as usize {
                    nanos += digit * place;
                    place /= 10;
                } else {
                    if index == Self::SCALE as usize && digit >= 5 {
                        nanos += 1;
                    }
                    break;
                }
            }
        }
        Ok(Decimal { nanos: if negative { -nanos } else { nanos } })
    }

    /// The value as an `f64` (for comparisons and display; never for sums that must be exact).
    pub fn to_f64(self) -> f64 {
        self.nanos as f64 / NANOS_PER_UNIT as f64
    }

    /// Whether the value is below zero.
    pub const fn is_negative(self) -> bool {
        self.nanos < 0
    }

    /// Whether the value is above zero.
    pub const fn is_positive(self) -> bool {
        self.nanos > 0
    }
}

impl std::ops::Add for Decimal {
    type Output = Decimal;
    fn add(self, other: Decimal) -> Decimal {
        Decimal { nanos: self.nanos + other.nanos }
    }
}

impl std::ops::Sub for Decimal {
    type Output = Decimal;
    fn sub(self, other: Decimal) -> Decimal {
        Decimal { nanos: self.nanos - other.nanos }
    }
}

impl std::iter::Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Decimal::ZERO, |total, value| total + value)
    }
}

impl fmt::Display for Decimal {
    /// Plain decimal notation without exponent or trailing zeros: `5.14`, `-0.000001`, `0` (never `-0`).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let magnitude = self.nanos.unsigned_abs();
        let whole = magnitude / NANOS_PER_UNIT as u128;
        let fraction = magnitude % NANOS_PER_UNIT as u128;
        if fraction == 0 {
            return write!(formatter, "{sign}{whole}");
        }
        let digits = format!("{fraction:09}");
        write!(formatter, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Decimal::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(value: f64, expect: &str) {
        assert_eq!(Decimal::from_f64(value).unwrap().to_string(), expect, "{value}");
    }

    #[test]
    fn writes_plain_decimals() {
        check(5.14, "5.14");
        check(-14.22, "-14.22");
        check(0.0, "0");
        check(-0.0, "0");
        check(-1e-12, "0");
        check(1e-7, "0.0000001");
        check(0.1 + 0.2, "0.3");
        check(1448.3, "1448.3");
        assert!(Decimal::from_f64(f64::NAN).is_err());
        assert!(Decimal::from_f64(f64::INFINITY).is_err());
    }

    #[test]
    fn reads_the_pact_syntax_only() {
        assert_eq!(Decimal::parse("+2.50").unwrap().to_string(), "2.5");
        assert_eq!(Decimal::parse("-0.0000000015").unwrap().to_string(), "-0.000000002");
        for bad in ["", "1.", ".5", "1e3", "--1", "1,5", " 1"] {
            assert!(Decimal::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn written_text_reads_back_to_the_same_value(nanos in -10_i128.pow(20)..10_i128.pow(20)) {
            let decimal = Decimal { nanos };
            prop_assert_eq!(Decimal::parse(&decimal.to_string()).unwrap(), decimal);
        }
    }
}
