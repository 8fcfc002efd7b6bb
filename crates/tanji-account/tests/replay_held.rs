//! The replay property with holds on the reference ledger: every credit is delayed (released by a scheduler) or
//! held for fraud review; reviewers release or reverse, the scheduler runs at random times and twice after a crash.
//! Held or unreleased points are never spendable, every release happens once, and balances equal an independent
//! recomputation. The property itself is in `support/replay_held.rs`, shared with tanji-store's tests.

mod support;

use proptest::prelude::*;
use tanji_account::ledger::memory::{MemoryLedger, ready};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn held_and_delayed_credits_are_released_once_and_never_spendable_before(
        actions in prop::collection::vec(support::replay_held::action(), 1..80)
    ) {
        ready(support::replay_held::run(MemoryLedger::new(), actions))?;
    }
}
