//! CDP SC1.1 allocation: worked examples by hand, the hierarchy, visibility, refusals, and the property that rows
//! add up to the supplier's total for any shares.

use proptest::prelude::*;
use tanji_supplier::allocation::{
    AllocationMethod, AllocationProblem, Basis, BasisKind, CustomerAmount, Subdivision, SupplierEmissions, allocate,
};

fn amounts(pairs: &[(&str, f64)]) -> Vec<CustomerAmount> {
    pairs
        .iter()
        .map(|(customer, amount)| CustomerAmount { customer: (*customer).to_owned(), amount: *amount })
        .collect()
}

fn basis(kind: BasisKind, total: f64, pairs: &[(&str, f64)], uncertainty_percent: f64) -> Basis {
    Basis { kind, unit: "t".into(), supplier_total: total, per_customer: amounts(pairs), uncertainty_percent }
}

fn close(got: f64, expect: f64) {
    assert!((got - expect).abs() < 1e-6, "got {got}, expected {expect}");
}

#[test]
fn subdivision_then_mass_by_hand() {
    // Total 1,000,000 kg CO2e ± 5 %. The retailer's dedicated cup line: 200,000 kg ± 3 % (subdivision).
    // Rest 800,000 kg shared by mass: the supplier shipped 4,000 t, the retailer 1,000 t of it (25 %), brand B 600 t
    // (15 %). Mass figures ± 2 %.
    // Retailer: 200,000 + 0.25 × 800,000 = 400,000 kg. Allocated-part uncertainty √(5² + 2²) = 5.385 %;
    //   row uncertainty √((200,000 × 3)² + (200,000 × 5.385)²) / 400,000 = 3.082 %.
    // Brand B: 0.15 × 800,000 = 120,000 kg ± 5.385 %. Rest: 1,000,000 − 520,000 = 480,000 kg.
    let emissions = SupplierEmissions {
        total_kg_co2e: 1_000_000.0,
        uncertainty_percent: 5.0,
        subdivided: vec![Subdivision { customer: "retailer".into(), kg_co2e: 200_000.0, uncertainty_percent: 3.0 }],
    };
    let mass = basis(BasisKind::Mass, 4_000.0, &[("retailer", 1_000.0), ("brand-b", 600.0)], 2.0);
    let table = allocate(&emissions, Some(&mass), None).expect("allocated");
    assert_eq!(table.basis, Some(BasisKind::Mass));
    let retailer = table.view_for("retailer").expect("row");
    assert_eq!(retailer.method, AllocationMethod::SubdivisionAndPhysical);
    close(retailer.kg_co2e, 400_000.0);
    let allocated_uncertainty = (25.0f64 + 4.0).sqrt();
    close(
        retailer.uncertainty_percent,
        ((200_000.0 * 3.0f64).powi(2) + (200_000.0 * allocated_uncertainty).powi(2)).sqrt() / 400_000.0,
    );
    let brand_b = table.view_for("brand-b").expect("row");
    assert_eq!(brand_b.method, AllocationMethod::Physical);
    close(brand_b.kg_co2e, 120_000.0);
    close(brand_b.uncertainty_percent, allocated_uncertainty);
    let rest = table.rows.last().expect("rest");
    assert_eq!((rest.customer.as_deref(), rest.method), (None, AllocationMethod::NotAllocated));
    close(rest.kg_co2e, 480_000.0);
    close(table.rows.iter().map(|row| row.kg_co2e).sum(), 1_000_000.0);
}

#[test]
fn an_unusable_physical_basis_gives_way_to_revenue_and_says_why() {
    // Mass figures over-count (1,200 t of 1,000 t): passed over. Revenue: 30 万元 of 120 万元 → 25 % of 800,000 kg.
    let emissions = SupplierEmissions { total_kg_co2e: 800_000.0, uncertainty_percent: 0.0, subdivided: vec![] };
    let mass = basis(BasisKind::Mass, 1_000.0, &[("retailer", 1_200.0)], 0.0);
    let revenue = basis(BasisKind::Revenue, 120.0, &[("retailer", 30.0)], 0.0);
    let table = allocate(&emissions, Some(&mass), Some(&revenue)).expect("allocated");
    assert_eq!(table.basis, Some(BasisKind::Revenue));
    assert_eq!(
        table.physical_basis_skipped,
        Some(AllocationProblem::AmountsExceedTotal { sum: 1_200.0, total: 1_000.0 })
    );
    let row = table.view_for("retailer").expect("row");
    assert_eq!(row.method, AllocationMethod::Economic);
    close(row.kg_co2e, 200_000.0);
}

#[test]
fn a_customer_sees_only_its_own_row() {
    let emissions = SupplierEmissions { total_kg_co2e: 100.0, uncertainty_percent: 1.0, subdivided: vec![] };
    let units = basis(BasisKind::Units, 10.0, &[("a", 3.0), ("b", 2.0)], 1.0);
    let table = allocate(&emissions, Some(&units), None).expect("allocated");
    let view = table.view_for("a").expect("a's row");
    assert_eq!(view.customer, "a");
    close(view.kg_co2e, 30.0);
    assert!(table.view_for("c").is_none(), "a customer that requested nothing sees nothing");
    // The view type carries one customer's figures only: no other row, no supplier total, no remainder.
    let json = format!("{view:?}");
    assert!(!json.contains("\"b\"") && !json.contains("100"), "{json}");
}

#[test]
fn bad_inputs_are_refused_with_their_codes() {
    let ok_basis = basis(BasisKind::Mass, 10.0, &[("a", 1.0)], 0.0);
    let check = |emissions: SupplierEmissions,
                 physical: Option<&Basis>,
                 economic: Option<&Basis>,
                 expect: AllocationProblem| {
        assert_eq!(allocate(&emissions, physical, economic), Err(expect));
    };
    let plain = |total: f64| SupplierEmissions { total_kg_co2e: total, uncertainty_percent: 0.0, subdivided: vec![] };
    check(plain(-1.0), Some(&ok_basis), None, AllocationProblem::TotalInvalid { value: -1.0 });
    check(
        SupplierEmissions {
            total_kg_co2e: 10.0,
            uncertainty_percent: 0.0,
            subdivided: vec![Subdivision { customer: "a".into(), kg_co2e: 11.0, uncertainty_percent: 0.0 }],
        },
        Some(&ok_basis),
        None,
        AllocationProblem::SubdivisionExceedsTotal { subdivided: 11.0, total: 10.0 },
    );
    check(
        SupplierEmissions {
            total_kg_co2e: 10.0,
            uncertainty_percent: 0.0,
            subdivided: vec![Subdivision { customer: "z".into(), kg_co2e: 1.0, uncertainty_percent: 0.0 }],
        },
        Some(&ok_basis),
        None,
        AllocationProblem::CustomerMissingFromBasis { customer: "z".into() },
    );
    check(
        plain(10.0),
        Some(&basis(BasisKind::Mass, 10.0, &[("a", 1.0), ("a", 2.0)], 0.0)),
        None,
        AllocationProblem::DuplicateCustomer { customer: "a".into() },
    );
    check(
        plain(10.0),
        None,
        Some(&basis(BasisKind::Mass, 10.0, &[("a", 1.0)], 0.0)),
        AllocationProblem::WrongBasisKind { kind: BasisKind::Mass, expected_physical: false },
    );
    check(
        plain(10.0),
        Some(&basis(BasisKind::Units, 0.0, &[("a", 1.0)], 0.0)),
        None,
        AllocationProblem::BasisTotalNotPositive { value: 0.0 },
    );
}

proptest! {
    #[test]
    fn rows_add_up_to_the_supplier_total_for_any_shares(
        total in 0.0f64..1e9,
        subdivided_shares in prop::collection::vec(0.0f64..1.0, 0..4),
        amounts_raw in prop::collection::vec(0.0f64..1e6, 1..8),
        headroom in 0.0f64..1e6,
        physical in any::<bool>(),
    ) {
        // Subdivided parts take at most the whole total between them.
        let subdivided_sum: f64 = subdivided_shares.iter().sum::<f64>().max(1.0);
        let subdivided: Vec<Subdivision> = subdivided_shares
            .iter()
            .enumerate()
            .map(|(idx, share)| Subdivision {
                customer: format!("c{idx}"),
                kg_co2e: total * share / subdivided_sum * 0.999,
                uncertainty_percent: 2.0,
            })
            .collect();
        let per_customer: Vec<CustomerAmount> = amounts_raw
            .iter()
            .enumerate()
            .map(|(idx, amount)| CustomerAmount { customer: format!("c{idx}"), amount: *amount })
            .collect();
        // Every subdivided customer is in the basis (c0.. up to the longer list).
        let mut per_customer = per_customer;
        for idx in per_customer.len()..subdivided.len() {
            per_customer.push(CustomerAmount { customer: format!("c{idx}"), amount: 0.0 });
        }
        let supplier_total = per_customer.iter().map(|amount| amount.amount).sum::<f64>() + headroom + 1.0;
        let kind = if physical { BasisKind::Mass } else { BasisKind::Revenue };
        let chosen = Basis { kind, unit: "t".into(), supplier_total, per_customer, uncertainty_percent: 3.0 };
        let emissions = SupplierEmissions { total_kg_co2e: total, uncertainty_percent: 5.0, subdivided };
        let table = if physical { allocate(&emissions, Some(&chosen), None) } else { allocate(&emissions, None, Some(&chosen)) }
            .expect("valid inputs allocate");
        let sum: f64 = table.rows.iter().map(|row| row.kg_co2e).sum();
        prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0), "rows sum to {} for a total of {}", sum, total);
        for row in &table.rows {
            prop_assert!(row.kg_co2e >= -1e-6 * total.max(1.0), "negative row {:?}", row);
            prop_assert!(row.uncertainty_percent.is_finite());
        }
    }
}
