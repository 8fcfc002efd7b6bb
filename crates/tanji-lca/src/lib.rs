//! Matrix life-cycle assessment core (ISO 14067 product footprints): a product system as technosphere matrix A,
//! biosphere matrix B and characterisation vector c, solved by one checked policy (GMRES, then a sparse LU of Aᵀ);
//! Matrix Market interchange; Monte Carlo.
//!
//! Pure computation: no I/O. Readers and writers work on `&str` and `String`; files are the adapters' business.

pub mod datapackage;
pub mod krylov;
pub mod loops;
pub mod matrix_market;
pub mod monte_carlo;
pub mod policy;
mod solver;
pub mod synthetic;
mod system;
pub mod uncertainty;
pub mod uncertainty_file;

pub use loops::{Consumption, LoopStep, UnproductiveLoop, find_unproductive_loop};
pub use matrix_market::{CoordinateMatrix, Entry, MatrixMarketError};
pub use monte_carlo::{
    MonteCarlo, MonteCarloError, MonteCarloResult, MonteCarloSettings, SampleFailure, UncertainEntry, UncertainSystem,
    VarianceDriver,
};
pub use policy::{CheckedSolver, LuReason, MethodChoice, SolveMethod, SolvePolicy, SolveStage};
pub use solver::{FactorisationCause, SolveError};
pub use system::{MatrixName, System, SystemError};
pub use uncertainty::{Distribution, PedigreeScores, UncertaintyError, lognormal_from_pedigree};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_monte_carlo;
