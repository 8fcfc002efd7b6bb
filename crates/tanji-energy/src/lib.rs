//! The energy expert engine (能耗宝): a factory's meter and production data become energy per unit of output per
//! line (SEC, ISO 50001/50006 EnPIs), regression baselines with their ASHRAE Guideline 14 statistics, IPMVP savings
//! with uncertainty, CUSUM alarms, peer benchmarking of lines making the same product, and ranked findings with the
//! expected saving in kWh, ¥ and t CO2e.
//!
//! Pure: no I/O, no clock, no randomness except the seeded generator in `synthetic`. The stages form one pipe:
//! `file` (bytes → `model::Site`, readings, production; problems as values) → `cleaning` (readings → intervals, every
//! decision recorded) → `analysis` (days, SEC, peers, baselines via `regression`, `cusum`) → `finding` (ranked
//! findings as codes with parameters; `tanji-i18n::energy` says them in 中文 or English).

pub mod analysis;
pub mod cleaning;
pub mod cusum;
pub mod file;
pub mod finding;
pub mod handover;
pub mod ingest;
pub mod measure;
pub mod model;
pub mod regression;
pub mod stats;
pub mod supersede;
pub mod synthetic;
pub mod weather;

pub use analysis::{Analysis, AnalysisOptions, DayRange, ProductionRecord, analyze, analyze_with_weather};
pub use cleaning::{CleanSeries, CleaningEvent, RawReading, clean};
pub use file::{FileProblem, ProblemKind, read_production_csv, read_readings_csv, read_site_file};
pub use finding::{Evidence, ExpectedSaving, Finding, FindingKind, Recommendation};
pub use handover::{
    CarrierIntensity, CarrierQuantity, HandoverError, InventoryHandover, LineIntensity, MeterEvidence, MonthlyEnergy,
    activity_rows, line_intensity, monthly_energy,
};
pub use model::{Equipment, GridFactor, Line, Meter, MeterKind, MeterUnit, Register, Site, Tariff};
pub use weather::{DegreeDayBases, Weather, WeatherDay};
