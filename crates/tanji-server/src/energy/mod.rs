//! Energy data arriving from outside: adapters that feed meter readings into the store's one idempotent path
//! (`tanji_store::energy::ReadingStore`). The REST endpoints live with the rest of the API in `api::energy`.

pub mod console;
pub mod live;
pub mod mqtt;
