//! Greenhouse gases, GWP sets, refrigerant blends, fuel parameters and the cited, versioned emission-factor library.
//!
//! The bundled data (`data/`) ships inside the binary and is parsed once on first use; every record carries its
//! publisher, document, edition, table, year, region, licence and how it was verified.

pub mod audit;
pub mod bundled;
pub mod factor;
pub mod fuel;
pub mod gas;
pub mod gwp;
pub mod table;

pub use factor::{
    Citation, Co2eBasis, EmissionFactor, FactorCategory, FactorCo2e, FactorError, FactorGas, FactorLibrary,
    FactorOwner, FactorQuery, FactorRef, GasCo2e, GasContributionRate, GasRate, LibraryError, PublishedCo2e,
};
pub use fuel::{CO2_PER_C, CoalBasis, CoalMoisture, FuelParameters};
pub use gas::{Gas, GasGroup};
pub use gwp::{GWP_SOURCE, GwpError, GwpSet, GwpTable, RefrigerantBlend, RefrigerantGwp};
pub use table::{TableError, TableProblem};
