//! A supplier's emissions allocated to the customers that ask for them, as CDP supply chain question SC1.1 asks
//! (emissions allocated to each requesting customer, the allocation method, and its uncertainty).
//!
//! The order of methods follows the GHG Protocol / ISO 14044 hierarchy that CDP's guidance to suppliers repeats:
//! first avoid allocation by **subdivision** (emissions of lines or processes that serve one customer only, measured
//! apart), then allocate the rest by a **physical** relation (mass or units delivered), and only when no physical
//! basis is available by an **economic** one (revenue). The shared remainder is split on one basis for all
//! customers, and a row for everything not allocated to a requesting customer (other customers, other products)
//! closes the table, so the rows always add up to the supplier's total.
//!
//! Uncertainty: the allocated part's relative uncertainty combines the total's and the basis's in quadrature (a
//! product of independent quantities, IPCC 2006 Guidelines vol. 1 ch. 3, eq. 3.1); a row with a subdivided and an
//! allocated part combines their absolute uncertainties in quadrature (a sum, eq. 3.2). Both inputs are the
//! supplier's own statements; nothing here invents a figure.
//!
//! Visibility: a customer sees only its own row (`AllocationTable::view_for`), never the other rows or the rest.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The supplier's emissions for the period and what it says about their uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierEmissions {
    /// Scope 1 + 2 (or whatever boundary the supplier states) for the period, kg CO2e.
    pub total_kg_co2e: f64,
    /// Relative uncertainty of the total, ± % (95 % confidence), from its inventory.
    pub uncertainty_percent: f64,
    /// Emissions measured apart for one customer (a dedicated line), subtracted before the shared rest is split.
    pub subdivided: Vec<Subdivision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subdivision {
    pub customer: String,
    pub kg_co2e: f64,
    /// Relative uncertainty of this measured part, ± %.
    pub uncertainty_percent: f64,
}

/// How the shared rest is split: each requesting customer's amount and the supplier's total of the same measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    pub kind: BasisKind,
    /// The measure's unit as the supplier reports it (`t`, `件`, `万元`).
    pub unit: String,
    /// The supplier's total output or revenue in the period (all customers).
    pub supplier_total: f64,
    pub per_customer: Vec<CustomerAmount>,
    /// Relative uncertainty of the basis figures, ± %.
    pub uncertainty_percent: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasisKind {
    /// Mass delivered.
    Mass,
    /// Units (pieces) delivered.
    Units,
    /// Revenue from the customer.
    Revenue,
}

impl BasisKind {
    fn is_physical(self) -> bool {
        matches!(self, BasisKind::Mass | BasisKind::Units)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerAmount {
    pub customer: String,
    pub amount: f64,
}

/// How a row's emissions were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationMethod {
    Subdivision,
    Physical,
    Economic,
    /// Subdivided part plus a share of the rest.
    SubdivisionAndPhysical,
    SubdivisionAndEconomic,
    /// The rest of the table: not allocated to any requesting customer.
    NotAllocated,
}

/// One SC1.1 row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationRow {
    /// The requesting customer, or `None` for the rest.
    pub customer: Option<String>,
    pub method: AllocationMethod,
    pub subdivided_kg_co2e: f64,
    /// The customer's share of the shared rest, 0..=1.
    pub share: f64,
    pub allocated_kg_co2e: f64,
    /// subdivided + allocated.
    pub kg_co2e: f64,
    pub uncertainty_percent: f64,
}

/// The table for one supplier and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationTable {
    pub total_kg_co2e: f64,
    /// The basis kind used for the shared rest, when there was one.
    pub basis: Option<BasisKind>,
    /// A physical basis was offered but could not be used, so the economic one was (why, as a problem code).
    pub physical_basis_skipped: Option<AllocationProblem>,
    pub rows: Vec<AllocationRow>,
}

/// What one customer may see of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerAllocation {
    pub customer: String,
    pub method: AllocationMethod,
    pub kg_co2e: f64,
    pub uncertainty_percent: f64,
}

/// Why an allocation could not be made, or a basis was passed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum AllocationProblem {
    #[error("the supplier's total must be a finite number of 0 or more, not {value}")]
    TotalInvalid { value: f64 },
    #[error("an uncertainty must be a finite percentage of 0 or more, not {value}")]
    UncertaintyInvalid { value: f64 },
    #[error("subdivided emissions for {customer} must be 0 or more, not {value}")]
    SubdivisionInvalid { customer: String, value: f64 },
    #[error("subdivided emissions ({subdivided}) exceed the total ({total})")]
    SubdivisionExceedsTotal { subdivided: f64, total: f64 },
    #[error("customer {customer} appears twice")]
    DuplicateCustomer { customer: String },
    #[error("the basis total must be positive, not {value}")]
    BasisTotalNotPositive { value: f64 },
    #[error("the amount for {customer} must be 0 or more, not {value}")]
    AmountInvalid { customer: String, value: f64 },
    #[error("customers' amounts ({sum}) exceed the supplier's total ({total})")]
    AmountsExceedTotal { sum: f64, total: f64 },
    /// A revenue basis offered as the physical one, or a mass/units basis as the economic one.
    #[error("a {kind:?} basis was given where a {} basis is expected", if *.expected_physical { "physical" } else { "economic" })]
    WrongBasisKind { kind: BasisKind, expected_physical: bool },
    #[error("customer {customer} has subdivided emissions but is not in the basis")]
    CustomerMissingFromBasis { customer: String },
}

/// Builds the table: subdivision first, then `physical` if given and usable, else `economic`.
pub fn allocate(
    emissions: &SupplierEmissions,
    physical: Option<&Basis>,
    economic: Option<&Basis>,
) -> Result<AllocationTable, AllocationProblem> {
    let total = emissions.total_kg_co2e;
    if !(total.is_finite() && total >= 0.0) {
        return Err(AllocationProblem::TotalInvalid { value: total });
    }
    check_uncertainty(emissions.uncertainty_percent)?;
    let mut seen = BTreeSet::new();
    let mut subdivided_sum = 0.0;
    for part in &emissions.subdivided {
        if !(part.kg_co2e.is_finite() && part.kg_co2e >= 0.0) {
            return Err(AllocationProblem::SubdivisionInvalid { customer: part.customer.clone(), value: part.kg_co2e });
        }
        check_uncertainty(part.uncertainty_percent)?;
        if !seen.insert(part.customer.as_str()) {
            return Err(AllocationProblem::DuplicateCustomer { customer: part.customer.clone() });
        }
        subdivided_sum += part.kg_co2e;
    }
    if subdivided_sum > total * (1.0 + 1e-12) {
        return Err(AllocationProblem::SubdivisionExceedsTotal { subdivided: subdivided_sum, total });
    }
    let rest = (total - subdivided_sum).max(0.0);

    let mut physical_basis_skipped = None;
    let mut chosen = None;
    if let Some(basis) = physical {
        match check_basis(basis, true, emissions) {
            Ok(()) => chosen = Some(basis),
            Err(problem) => physical_basis_skipped = Some(problem),
        }
    }
    if chosen.is_none()
        && let Some(basis) = economic
    {
        check_basis(basis, false, emissions)?;
        chosen = Some(basis);
    }
    if chosen.is_none()
        && rest > 0.0
        && let Some(problem) = physical_basis_skipped.clone()
    {
        return Err(problem);
    }

    let mut customers: Vec<String> = emissions.subdivided.iter().map(|part| part.customer.clone()).collect();
    if let Some(basis) = chosen {
        for amount in &basis.per_customer {
            if !customers.contains(&amount.customer) {
                customers.push(amount.customer.clone());
            }
        }
    }
    let mut rows = Vec::new();
    let mut allocated_sum = 0.0;
    for customer in customers {
        let part = emissions.subdivided.iter().find(|part| part.customer == customer);
        let subdivided_kg_co2e = part.map_or(0.0, |part| part.kg_co2e);
        let share = chosen
            .and_then(|basis| basis.per_customer.iter().find(|amount| amount.customer == customer))
            .map_or(0.0, |amount| amount.amount / chosen.map_or(1.0, |basis| basis.supplier_total));
        let allocated_kg_co2e = rest * share;
        allocated_sum += allocated_kg_co2e;
        let allocated_uncertainty_percent = chosen
            .map_or(0.0, |basis| (emissions.uncertainty_percent.powi(2) + basis.uncertainty_percent.powi(2)).sqrt());
        let subdivided_uncertainty_percent = part.map_or(0.0, |part| part.uncertainty_percent);
        let kg_co2e = subdivided_kg_co2e + allocated_kg_co2e;
        let uncertainty_percent = combined_uncertainty(&[
            (subdivided_kg_co2e, subdivided_uncertainty_percent),
            (allocated_kg_co2e, allocated_uncertainty_percent),
        ]);
        let basis_kind = chosen.map(|basis| basis.kind);
        let method = match (part.is_some(), share > 0.0, basis_kind) {
            (true, true, Some(kind)) if kind.is_physical() => AllocationMethod::SubdivisionAndPhysical,
            (true, true, Some(_)) => AllocationMethod::SubdivisionAndEconomic,
            (true, _, _) => AllocationMethod::Subdivision,
            (false, _, Some(kind)) if kind.is_physical() => AllocationMethod::Physical,
            (false, _, _) => AllocationMethod::Economic,
        };
        rows.push(AllocationRow {
            customer: Some(customer),
            method,
            subdivided_kg_co2e,
            share,
            allocated_kg_co2e,
            kg_co2e,
            uncertainty_percent,
        });
    }
    // The rest closes the table: the total minus every row, so the rows add up to the total exactly as summed.
    let requested: f64 = rows.iter().map(|row| row.kg_co2e).sum();
    let not_allocated = total - requested;
    let rest_share = if rest > 0.0 { (rest - allocated_sum).max(0.0) / rest } else { 0.0 };
    rows.push(AllocationRow {
        customer: None,
        method: AllocationMethod::NotAllocated,
        subdivided_kg_co2e: 0.0,
        share: rest_share,
        allocated_kg_co2e: not_allocated,
        kg_co2e: not_allocated,
        uncertainty_percent: emissions.uncertainty_percent,
    });
    Ok(AllocationTable { total_kg_co2e: total, basis: chosen.map(|basis| basis.kind), physical_basis_skipped, rows })
}

impl AllocationTable {
    /// The one row `customer` may see; `None` when it requested nothing from this supplier.
    pub fn view_for(&self, customer: &str) -> Option<CustomerAllocation> {
        self.rows.iter().find(|row| row.customer.as_deref() == Some(customer)).map(|row| CustomerAllocation {
            customer: customer.to_owned(),
            method: row.method,
            kg_co2e: row.kg_co2e,
            uncertainty_percent: row.uncertainty_percent,
        })
    }
}

fn check_uncertainty(value: f64) -> Result<(), AllocationProblem> {
    if value.is_finite() && value >= 0.0 { Ok(()) } else { Err(AllocationProblem::UncertaintyInvalid { value }) }
}

fn check_basis(basis: &Basis, physical: bool, emissions: &SupplierEmissions) -> Result<(), AllocationProblem> {
    if basis.kind.is_physical() != physical {
        return Err(AllocationProblem::WrongBasisKind { kind: basis.kind, expected_physical: physical });
    }
    if !(basis.supplier_total.is_finite() && basis.supplier_total > 0.0) {
        return Err(AllocationProblem::BasisTotalNotPositive { value: basis.supplier_total });
    }
    check_uncertainty(basis.uncertainty_percent)?;
    let mut seen = BTreeSet::new();
    let mut sum = 0.0;
    for amount in &basis.per_customer {
        if !(amount.amount.is_finite() && amount.amount >= 0.0) {
            return Err(AllocationProblem::AmountInvalid { customer: amount.customer.clone(), value: amount.amount });
        }
        if !seen.insert(amount.customer.as_str()) {
            return Err(AllocationProblem::DuplicateCustomer { customer: amount.customer.clone() });
        }
        sum += amount.amount;
    }
    if sum > basis.supplier_total * (1.0 + 1e-12) {
        return Err(AllocationProblem::AmountsExceedTotal { sum, total: basis.supplier_total });
    }
    // A customer with a dedicated line still shares the rest only if it is in the basis; one missing is a gap in
    // the supplier's data, not a zero.
    for part in &emissions.subdivided {
        if !seen.contains(part.customer.as_str()) {
            return Err(AllocationProblem::CustomerMissingFromBasis { customer: part.customer.clone() });
        }
    }
    Ok(())
}

/// Relative uncertainty (%) of a sum of parts, each with its own relative uncertainty: IPCC 2006 vol. 1 eq. 3.2.
fn combined_uncertainty(parts: &[(f64, f64)]) -> f64 {
    let total: f64 = parts.iter().map(|(value, _)| value).sum();
    if total <= 0.0 {
        return parts.iter().map(|(_, uncertainty)| *uncertainty).fold(0.0, f64::max);
    }
    parts.iter().map(|(value, uncertainty)| (value * uncertainty).powi(2)).sum::<f64>().sqrt() / total
}
