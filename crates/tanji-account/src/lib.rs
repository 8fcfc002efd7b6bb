//! The consumer carbon account (88碳账户, "1+N": one parent account per person, N sub-platforms recording reductions)
//! and the community carbon-inclusive schemes (碳普惠) that share its machinery.
//!
//! Pure: no I/O, no clock, no randomness; time and ids come in as arguments. The parts form one pipe:
//! `methodology` (versioned, cited methodologies and their expert review; an event's activity → a reduction in
//! g CO2e) → `rules` (an event → an `Outcome`: credited, capped, rejected with a reason, held; the ledger transfers
//! that carry it, with an id derived from (sub-platform, event id) so a redelivered event credits nothing twice) →
//! `ledger` (double-entry points on TigerBeetle's model, the `Ledger` trait and the in-memory reference) →
//! `points` (the chart of accounts, FIFO lots with expiry, earn/expire/redeem/donate/reverse) → `board` (badges and
//! leaderboards). Errors and outcomes are codes with parameters; tanji-i18n renders them.

pub mod board;
pub mod ingestion;
pub mod ledger;
pub mod methodology;
pub mod points;
pub mod rules;
pub mod wire;
