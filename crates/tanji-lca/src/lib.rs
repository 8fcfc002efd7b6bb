//! Matrix life-cycle assessment core (ISO 14067 product footprints): a product system as technosphere matrix A,
//! biosphere matrix B and characterisation vector c, solved with a sparse LU of Aᵀ; Matrix Market interchange.
//!
//! Pure computation: no I/O. Readers and writers work on `&str` and `String`; files are the adapters' business.

pub mod matrix_market;
mod solver;
mod system;

pub use matrix_market::{CoordinateMatrix, Entry, MatrixMarketError};
pub use solver::{SolveError, Solver};
pub use system::{MatrixName, System, SystemError};

#[cfg(test)]
mod tests;
