//! PACT v3: exchanging product carbon footprints with partners (WBCSD Partnership for Carbon Transparency, Technical
//! Specifications v3.0.3, `spec/v3/openapi.yaml` of wbcsd/data-exchange-protocol).
//!
//! One-way pipe: a published tanji footprint → [`mapping::map_footprint`] → a [`model::ProductFootprint`] (or the
//! problems that keep it from being one) → [`filter::ListQuery`] chooses and pages them → the adapter writes them.
//! [`event`] reads the CloudEvents partners post, [`error`] is the `{code, message}` body and the OAuth 2.0 token
//! errors. Nothing here does I/O: times, ids and the host's domain come in as arguments.

pub mod decimal;
pub mod error;
pub mod event;
pub mod filter;
pub mod mapping;
pub mod model;

pub use decimal::Decimal;
pub use error::{ErrorCode, OAuthError, OAuthErrorCode, PactError};
pub use event::{Event, EventProblem, parse_event};
pub use filter::{Filter, ListQuery, QueryProblem};
pub use mapping::{MappingProblem, PactSource, PactStatus, map_footprint};
pub use model::{CarbonFootprint, DataQualityIndicators, ProductFootprint, Verification};

/// The version of the technical specifications the footprints this crate writes comply with.
pub const SPEC_VERSION: &str = "3.0.3";

/// The OAuth 2.0 scopes of the v3 API.
pub const SCOPE_LIST: &str = "footprint:list";
/// Reading one footprint by id.
pub const SCOPE_READ: &str = "footprint:read";
