//! Supplier carbon assessment (供应商碳减排评估): what a brand's carbon manager needs to score, compare and account for
//! its suppliers.
//!
//! Pure: no I/O, no clock; people, evidence and decisions come in as arguments. The parts:
//! `framework` (versioned indicator frameworks — areas, indicators, tiered answers with points, weights, required
//! evidence kinds, gates, grade bands — read from TOML and checked; `bundled` holds the default "factory carbon
//! management" framework in `data/`) → `scoring` (answers in versions, reviewers' decisions on evidence, and the
//! `Scorecard` that explains every point: which tier was claimed and which scored, which evidence was accepted,
//! which gate capped the grade) · `allocation` (a supplier's emissions to each requesting customer as CDP SC1.1
//! rows: subdivision, then a physical basis, then an economic one; uncertainty; each customer sees only its row) ·
//! `scope3` (the brand's scope 3 categories 1 and 2 by the GHG Protocol's four methods, each line an
//! `ActivityRecord` the inventory engine takes as ISO 14064-1 category 4, with its provenance) · `target` (SBTi
//! near-term absolute targets: ambition, coverage, performance; the share of suppliers with targets). Every
//! problem and explanation is a code with parameters; tanji-i18n's `supplier` section says them.

pub mod allocation;
pub mod bundled;
pub mod campaign;
pub mod evidence_file;
pub mod framework;
pub mod scope3;
pub mod scoring;
pub mod target;
