//! The consumer carbon account's web side (88碳账户, 1+N): the scheme operator's console pages (methodologies,
//! sub-platforms, accounts, campaigns) and the person's own page. The REST endpoints live with the rest of the API
//! in `api::account` and `api::account_campaigns`.

pub mod console;
pub mod person;
