//! The storage suite: every test body runs on SQLite and, when `TANJI_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod fixtures;

mod account;
mod audit_log;
mod backfills;
mod energy;
mod energy_analysis;
mod energy_chain;
mod energy_site;
mod energy_weather;
mod facilities;
mod inventory;
mod member_invitations;
mod members;
mod organisations;
mod pact;
mod products;
mod schema;
mod sessions;
mod supplier_assessment;
mod supplier_links;
mod supplier_shares;
mod tokens;
mod verification;

mod account_campaigns;
mod account_events;
mod account_ledger;
