//! The consumer carbon account's web side (88碳账户, 1+N): the scheme operator's console pages (methodologies,
//! sub-platforms, accounts, campaigns), the person's own page, and the NATS JetStream consumer of sub-platforms'
//! events. The REST endpoints live with the rest of the API in `api::account`, `api::account_campaigns` and
//! `api::account_events`.

pub mod console;
pub mod nats;
pub mod person;
