//! Property tests: conversions within a dimension round-trip, and never cross dimensions.

use proptest::prelude::*;
use tanji_units::{Quantity, Unit};

fn known_units() -> Vec<Unit> {
    let mut units: Vec<Unit> = Unit::known_symbols().map(|(symbol, _)| Unit::parse(symbol).unwrap()).collect();
    units.extend(["万kWh", "10^4Nm3", "万tce", "万元", "千t"].iter().map(|text| Unit::parse(text).unwrap()));
    units
}

proptest! {
    #[test]
    fn conversion_round_trips(value in -1.0e9f64..1.0e9, from_idx in 0usize..64, to_idx in 0usize..64) {
        let units = known_units();
        let from = &units[from_idx % units.len()];
        let to = &units[to_idx % units.len()];
        let quantity = Quantity::new(value, from.clone()).unwrap();
        match quantity.convert_to(to) {
            Ok(converted) => {
                prop_assert_eq!(from.dimension(), to.dimension());
                let back = converted.value_in(from).unwrap();
                let tolerance = 1e-12 * value.abs().max(1.0);
                prop_assert!((back - value).abs() <= tolerance, "{} {} → {} → {}", value, from, converted, back);
            }
            Err(_) => prop_assert_ne!(from.dimension(), to.dimension()),
        }
    }

    #[test]
    fn every_symbol_parses_back_to_itself(from_idx in 0usize..64) {
        let units = known_units();
        let unit = &units[from_idx % units.len()];
        let parsed = Unit::parse(unit.symbol()).unwrap();
        prop_assert_eq!(&parsed, unit);
    }

    #[test]
    fn addition_is_commutative_in_value(a in -1.0e6f64..1.0e6, b in -1.0e6f64..1.0e6) {
        let kwh = Unit::parse("kWh").unwrap();
        let mwh = Unit::parse("MWh").unwrap();
        let left = Quantity::new(a, kwh.clone()).unwrap().checked_add(&Quantity::new(b, mwh.clone()).unwrap()).unwrap();
        let right = Quantity::new(b, mwh).unwrap().checked_add(&Quantity::new(a, kwh.clone()).unwrap()).unwrap();
        let right_in_kwh = right.value_in(&kwh).unwrap();
        prop_assert!((left.value - right_in_kwh).abs() <= 1e-9 * left.value.abs().max(1.0));
    }
}
