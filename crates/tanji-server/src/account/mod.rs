//! The consumer carbon account's web side (88碳账户, 1+N): the platform operator's console pages and the NATS
//! JetStream consumer of sub-platforms' events. The REST endpoints live with the rest of the API in `api::account`
//! and `api::account_events`.

pub mod console;
pub mod nats;
