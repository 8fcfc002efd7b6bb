//! The organisation GHG inventory (ISO 14064-1:2018, GHG Protocol Corporate Standard): boundary and consolidation,
//! activity records with data-source priority and quality, calculation methods (factor, China-guideline combustion,
//! direct measurement, refrigerant loss, location- and market-based electricity), scopes and ISO categories from the
//! same lines, base year, and a result in which every number leads back to its record, factor, GWP set and formula.

pub mod base_year;
pub mod classification;
pub mod engine;
pub mod file;
pub mod formula;
pub mod import;
pub mod message;
pub mod model;

pub use base_year::{
    BaseYearChange, BaseYearComparison, BaseYearPolicy, ChangeKind, RecalculationAssessment, RecalculationMessage,
    assess_recalculation, base_year_period, compare_with_base_totals, compare_with_base_year,
};
pub use classification::{DataSourceKind, EmissionSource, IsoCategory, Scope, Scope3Category};
pub use engine::{
    Diagnostic, DiagnosticKind, FactorTrace, GasLine, GasTotalGroup, Inventory, InventoryRun, LineStatus,
    RecordsSuperseded, Reference, ResultLine, RunOptions, Severity, SourceCompetition, Totals, calculate, closest,
    closest_factor_id, closest_refrigerant, completeness_of, plausibility_findings, sum_totals,
};
pub use file::InventoryFile;
pub use formula::{
    BlendComponent, FactorTerm, FormulaStep, Parameter, ParameterOrigin, RefrigerantLoss, formula_number,
};
pub use import::{
    ACTIVITY_COLUMNS, ActivityCsvReader, ActivityRow, ParsedValues, RowError, RowIds, decode_csv, parse_activity_csv,
    read_activity_rows,
};
pub use message::{
    Completeness, CompletenessAssessment, DiagnosticMessage, ExclusionReason, Plausibility, UncountedActivity,
};
pub use model::{
    ActivityRecord, CoalBases, ConsolidationApproach, DataQuality, FacilityBoundary, FactorChoice, Fraction,
    FuelCombustion, InventoryInput, MarketBasis, Method, OutputError, ProductionOutput, RefrigerantApproach,
};

/// The bundled reference data as a calculation reference.
pub fn bundled_reference() -> Reference<'static> {
    Reference {
        factors: tanji_ghg::bundled::factor_library(),
        fuel_parameters: tanji_ghg::bundled::fuel_parameters(),
        gwp: tanji_ghg::bundled::gwp_table(),
    }
}
