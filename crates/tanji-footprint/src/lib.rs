//! Product carbon footprints (ISO 14067, GHG Protocol Product Standard).
//!
//! A [`ProductModel`] — foreground processes with life-cycle stages, data kinds and quality ratings, drawing on the
//! emission-factor library and on suppliers' footprints — is built into the technosphere, intervention and
//! characterisation matrices of `tanji-lca` ([`build`]), solved, and explained ([`compute`]): totals per declared unit
//! with fossil, biogenic and land-use change apart; contributions by stage, process, gas and exchange; allocation,
//! cut-off and recycling records; data quality; a supply-chain tree; and the comparison with a baseline product.
//!
//! Pure computation: no I/O.

pub mod build;
mod compute;
mod file;
pub mod model;
mod note;
mod problem;
pub mod product;
mod summary;
mod uncertainty;

pub use compute::{
    Comparison, DataQualitySummary, ExemptionReport, FactorCitation, Footprint, FootprintError, GasResult, Line,
    LineFormula, NodeName, ProcessResult, RecyclingLine, StageComparison, StageResult, TreeNode, compare, compute,
    figure,
};
pub use file::{FootprintFile, parse_footprint_file, read_footprint_file, write_footprint_file};
pub use model::{
    AllocationChoice, AllocationMethod, CutOffRule, DataKind, DataQuality, DeclaredUnit, Emission, Exemption,
    FactorUse, MeasuredAmount, MeasuredLine, Origin, Output, ProcessModel, ProductInfo, ProductInput, ProductModel,
    RecyclingOutput, Stage, SupplierFootprint, TransportLeg,
};
pub use note::Note;
pub use problem::{
    AmountOf, Expected, LoopStepNamed, Problem, ProblemKind, Problems, SupplierAmount, TextProblem, TomlSyntax,
    UncertaintyReason, UnsolvableReason, closest,
};
pub use product::{ProductNames, Sku};
pub use summary::{
    Assurance, ComparisonWithheld, PublishedBaseline, PublishedFootprint, PublishedRange, PublishedStage,
    ReductionFromUptake, STANDARD, Signer, published_summary,
};
pub use uncertainty::{Driver, HistogramBin, MonteCarloRequest, UncertaintyResult, histogram, monte_carlo};

#[cfg(test)]
mod tests;
