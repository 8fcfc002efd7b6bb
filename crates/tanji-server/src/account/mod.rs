//! The consumer carbon account's web side (88碳账户, 1+N): the platform operator's console pages. The REST endpoints
//! live with the rest of the API in `api::account`.

pub mod console;
