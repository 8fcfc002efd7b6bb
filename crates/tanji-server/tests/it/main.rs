//! The HTTP suite: the real app served on a free port, driven over HTTP like a browser or an API client would.
//! Each test runs on SQLite and, when `TANJI_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod harness;

mod account;
mod account_campaigns;
mod account_events;
mod api;
mod console;
mod energy;
mod energy_console;
mod energy_site;
mod factor_library;
mod fuzz_http;
mod hardening;
mod inventory;
mod inventory_assurance;
mod inventory_trust;
mod isolation;
mod labels;
mod member_invitations;
mod mqtt;
mod pact_host;
mod personas;
mod products;
mod security;
mod supplier_assessment;
mod tenants;
mod verification;
