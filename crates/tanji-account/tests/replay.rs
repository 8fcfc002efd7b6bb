//! The judging property of issue 10 on the reference ledger: random event streams with duplicates, redeliveries,
//! reordering (activities reported out of time order) and crashes between steps (the last steps re-applied, as an
//! at-least-once broker or a client retry would) — after every step the ledger's balances equal an independent
//! recomputation, no event is credited twice, and expired points are never spent. The property itself is in
//! `support/replay.rs`, shared with tanji-store's tests, which run it on SQLite and PostgreSQL.

mod support;

use proptest::prelude::*;
use tanji_account::ledger::memory::{MemoryLedger, ready};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn replayed_streams_credit_once_match_a_recomputation_and_never_spend_expired_points(
        actions in prop::collection::vec(support::replay::action(), 1..80)
    ) {
        ready(support::replay::run(MemoryLedger::new(), actions))?;
    }
}
