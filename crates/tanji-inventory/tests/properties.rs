//! Property tests: totals are sums of lines under every boundary approach, and changing only the GWP set changes
//! only the non-CO2 contributions.

mod common;

use common::row;
use proptest::prelude::*;
use tanji_ghg::{GasGroup, GwpSet};
use tanji_inventory::{
    ActivityRecord, ConsolidationApproach, FacilityBoundary, Fraction, GasTotalGroup, Inventory, InventoryInput,
    LineStatus, Scope, bundled_reference, calculate,
};

/// (source, unit, factor or refrigerant) templates drawn at random.
const TEMPLATES: &[(&str, &str, &str)] = &[
    ("stationary_combustion", "scf", "factor=epa-hub-2025-natural-gas-scf"),
    ("stationary_combustion", "short_ton", "factor=epa-hub-2025-anthracite-short-ton"),
    ("stationary_combustion", "TJ", "factor=ipcc-2006-stationary-manufacturing-anthracite-tj"),
    ("mobile_combustion", "L", "factor=desnz-2024-diesel-average-biofuel-blend-l"),
    ("purchased_electricity", "kWh", "factor=mee-nbs-2022-grid-cn-grid-east"),
    ("purchased_electricity", "MWh", "factor=mee-nbs-2021-grid-cn-national"),
    ("fugitive", "kg", "refrigerant=R-410A"),
    ("fugitive", "kg", "refrigerant=R-404A"),
    ("scope3_4", "short_ton_mile", "factor=epa-hub-2025-t8-rail-short-ton-mile"),
    ("on_site_renewable", "kWh", ""),
];

fn record(index: usize, template: usize, facility: usize, month: u8, quantity: f64) -> ActivityRecord {
    let (source, unit, method) = TEMPLATES[template % TEMPLATES.len()];
    let id = format!("r{index}");
    let facility = format!("f{facility}");
    let period = format!("2025-{month:02}");
    let quantity = format!("{quantity}");
    let mut pairs = vec![
        ("id", id.as_str()),
        ("facility", facility.as_str()),
        ("period", period.as_str()),
        ("source", source),
        ("unit", unit),
        ("quantity", quantity.as_str()),
        ("emission_point", id.as_str()),
        ("uncertainty_percent", "5"),
    ];
    if let Some((key, value)) = method.split_once('=') {
        pairs.push((key, value));
    }
    row(&pairs)
}

fn facilities(shares: &[(f64, bool, bool)]) -> Vec<FacilityBoundary> {
    shares
        .iter()
        .enumerate()
        .map(|(index, (share, financial, operational))| FacilityBoundary {
            key: format!("f{index}"),
            name: format!("Facility {index}"),
            equity_share: Fraction::new(*share).unwrap(),
            financial_control: *financial,
            operational_control: *operational,
        })
        .collect()
}

fn compute(
    records: &[ActivityRecord],
    facilities: &[FacilityBoundary],
    approach: ConsolidationApproach,
    set: GwpSet,
) -> Inventory {
    let input = InventoryInput {
        organisation: "p".into(),
        period_start: jiff::civil::Date::constant(2025, 1, 1),
        period_end: jiff::civil::Date::constant(2025, 12, 31),
        gwp_set: set,
        consolidation: approach,
        facilities: facilities.to_vec(),
        records: records.to_vec(),
    };
    calculate(&input, bundled_reference())
}

fn close(left: f64, right: f64) -> bool {
    (left - right).abs() <= 1e-9 * left.abs().max(right.abs()).max(1.0)
}

fn strategy() -> impl Strategy<Value = (Vec<ActivityRecord>, Vec<FacilityBoundary>)> {
    let shares = prop::collection::vec((0.0f64..=1.0, any::<bool>(), any::<bool>()), 1..4);
    shares.prop_flat_map(|shares| {
        let n_facilities = shares.len();
        let records = prop::collection::vec((0usize..TEMPLATES.len(), 0..n_facilities, 1u8..=12, 0.0f64..1.0e6), 0..25);
        (records, Just(shares)).prop_map(|(records, shares)| {
            let records = records
                .into_iter()
                .enumerate()
                .map(|(index, (template, facility, month, quantity))| {
                    record(index, template, facility, month, quantity)
                })
                .collect();
            (records, facilities(&shares))
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn totals_equal_the_sum_of_lines_under_every_approach((records, facilities) in strategy()) {
        for approach in ConsolidationApproach::ALL {
            let inventory = compute(&records, &facilities, approach, GwpSet::AR6);
            let totals = &inventory.totals;
            let counted: Vec<_> = inventory.lines.iter().filter(|line| line.status == LineStatus::Counted).collect();
            let by_scope = |scope: Scope| counted.iter().filter(|line| line.scope == scope).map(|line| line.co2e_kg).sum::<f64>();
            prop_assert!(close(totals.scope1_kg, by_scope(Scope::Scope1)));
            prop_assert!(close(totals.scope2_location_kg, by_scope(Scope::Scope2)));
            prop_assert!(close(totals.scope3_kg, by_scope(Scope::Scope3)));
            let total = totals.total_location_kg;
            prop_assert!(close(total, totals.scope1_kg + totals.scope2_location_kg + totals.scope3_kg));
            prop_assert!(close(totals.by_iso_category.values().sum::<f64>(), total));
            prop_assert!(close(totals.by_facility.values().sum::<f64>(), total));
            prop_assert!(close(totals.by_month.values().sum::<f64>(), total));
            prop_assert!(close(totals.by_gas_group.values().sum::<f64>(), total));
            prop_assert!(close(totals.by_scope3_category.values().sum::<f64>(), totals.scope3_kg));
            // Each line is its gross value times the approach's share of its facility.
            for line in &counted {
                let facility = facilities.iter().find(|facility| facility.key == line.facility).unwrap();
                let share = facility.inclusion_share(approach).value();
                prop_assert!(close(line.co2e_kg, line.gross_co2e_kg * share));
            }
        }
    }

    #[test]
    fn control_approaches_include_whole_facilities_or_none((records, facilities) in strategy()) {
        let all_controlled: Vec<FacilityBoundary> = facilities
            .iter()
            .map(|facility| FacilityBoundary { equity_share: Fraction::ONE, financial_control: true, operational_control: true, ..facility.clone() })
            .collect();
        let equity = compute(&records, &all_controlled, ConsolidationApproach::EquityShare, GwpSet::AR5);
        let financial = compute(&records, &all_controlled, ConsolidationApproach::FinancialControl, GwpSet::AR5);
        let operational = compute(&records, &all_controlled, ConsolidationApproach::OperationalControl, GwpSet::AR5);
        prop_assert!(close(equity.totals.total_location_kg, financial.totals.total_location_kg));
        prop_assert!(close(equity.totals.total_location_kg, operational.totals.total_location_kg));
    }

    #[test]
    fn changing_only_the_gwp_set_changes_only_non_co2_contributions((records, facilities) in strategy()) {
        let inventories: Vec<Inventory> = GwpSet::ALL
            .into_iter()
            .map(|set| compute(&records, &facilities, ConsolidationApproach::EquityShare, set))
            .collect();
        let co2 = |inventory: &Inventory| inventory.totals.by_gas_group.get(&GasTotalGroup::Group(GasGroup::CarbonDioxide)).copied().unwrap_or(0.0);
        for inventory in &inventories[1..] {
            prop_assert!(close(co2(inventory), co2(&inventories[0])));
            prop_assert!(close(inventory.totals.biogenic_co2_kg, inventories[0].totals.biogenic_co2_kg));
            for (line, first) in inventory.lines.iter().zip(&inventories[0].lines) {
                for (gas, first_gas) in line.gases.iter().zip(&first.gases) {
                    prop_assert_eq!(&gas.gas, &first_gas.gas);
                    prop_assert_eq!(gas.mass_kg, first_gas.mass_kg);
                    if gas.gas.as_deref() == Some("CO2") {
                        prop_assert!(close(gas.co2e_kg, first_gas.co2e_kg));
                    }
                }
            }
        }
    }

    /// Breaking some records (a unit that cannot convert to their factor's) leaves exactly those records out, and the
    /// totals say so: complete iff nothing failed, the records named are the failed lines, and the totals equal those
    /// of the same inventory without the broken records.
    #[test]
    fn the_totals_name_exactly_the_records_they_leave_out(
        (records, facilities) in strategy(),
        broken in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let mut with_broken = Vec::new();
        let mut without_broken = Vec::new();
        let mut broken_ids = Vec::new();
        for (index, record) in records.iter().enumerate() {
            if broken[index % broken.len()] && !matches!(record.method, tanji_inventory::Method::NoEmissions) {
                let mut bad = record.clone();
                bad.quantity = tanji_units::Quantity::new(record.quantity.value, tanji_units::Unit::parse("km").unwrap()).unwrap();
                broken_ids.push(bad.id.clone());
                with_broken.push(bad);
            } else {
                with_broken.push(record.clone());
                without_broken.push(record.clone());
            }
        }
        let approach = ConsolidationApproach::OperationalControl;
        let result = compute(&with_broken, &facilities, approach, GwpSet::AR6);
        let failed: Vec<String> = result.lines.iter().filter(|line| line.status == LineStatus::Failed)
            .map(|line| line.record_id.clone()).collect();
        let completeness = &result.totals.completeness;
        prop_assert_eq!(completeness.is_complete(), failed.is_empty());
        prop_assert_eq!(completeness.n_records_not_counted(), failed.len());
        if let tanji_inventory::Completeness::Incomplete { record_ids, .. } = completeness {
            prop_assert_eq!(record_ids, &failed);
        }
        for id in &failed {
            prop_assert!(broken_ids.contains(id));
        }
        let reference = compute(&without_broken, &facilities, approach, GwpSet::AR6);
        prop_assert!(close(result.totals.total_location_kg, reference.totals.total_location_kg));
    }
}
