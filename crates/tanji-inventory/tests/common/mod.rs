//! Helpers shared by the inventory tests: records are built from activity rows, the same path files and imports take.

#![allow(dead_code)]

use tanji_ghg::GwpSet;
use tanji_inventory::{
    ActivityRecord, ActivityRow, ConsolidationApproach, FacilityBoundary, Fraction, Inventory, InventoryInput,
    bundled_reference, calculate,
};

pub fn row(pairs: &[(&str, &str)]) -> ActivityRecord {
    let mut value = serde_json::Map::new();
    for (key, text) in pairs {
        value.insert((*key).to_owned(), serde_json::Value::String((*text).to_owned()));
    }
    let row: ActivityRow = serde_json::from_value(serde_json::Value::Object(value)).expect("known columns");
    row.into_record("test", 2).unwrap_or_else(|errors| panic!("{errors:?}"))
}

pub fn plant() -> FacilityBoundary {
    FacilityBoundary {
        key: "plant".into(),
        name: "Plant".into(),
        equity_share: Fraction::ONE,
        financial_control: true,
        operational_control: true,
    }
}

pub fn inventory(records: Vec<ActivityRecord>, gwp_set: GwpSet) -> Inventory {
    let input = InventoryInput {
        organisation: "test".into(),
        period_start: jiff::civil::Date::constant(2025, 1, 1),
        period_end: jiff::civil::Date::constant(2025, 12, 31),
        gwp_set,
        consolidation: ConsolidationApproach::OperationalControl,
        facilities: vec![plant()],
        records,
    };
    calculate(&input, bundled_reference())
}
