//! The reference ledger against TigerBeetle's documented semantics: one `check` helper per scenario, and property
//! tests that random batches conserve points and match an independent recomputation.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::ledger::{
    AccountFlags, Created, Field, Ledger, NewAccount, NewTransfer, PendingStatus, TransferError, TransferFlags,
    TransferResults,
};

const LEDGER: u32 = 1;
const ISSUER: u128 = 1;
const ALICE: u128 = 2;
const BOB: u128 = 3;
const OTHER_LEDGER_ACCOUNT: u128 = 4;

fn t0() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn ledger() -> MemoryLedger {
    let mut ledger = MemoryLedger::new();
    let person = AccountFlags { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false };
    let accounts = [
        NewAccount { id: ISSUER, ledger: LEDGER, code: 1, flags: AccountFlags::default(), ..account() },
        NewAccount { id: ALICE, ledger: LEDGER, code: 2, flags: person, ..account() },
        NewAccount { id: BOB, ledger: LEDGER, code: 2, flags: person, ..account() },
        NewAccount { id: OTHER_LEDGER_ACCOUNT, ledger: 2, code: 2, flags: person, ..account() },
    ];
    let results = ready(ledger.create_accounts(&accounts, t0())).unwrap();
    assert!(results.iter().all(|result| *result == Ok(Created::Created)));
    ledger
}

fn account() -> NewAccount {
    NewAccount {
        id: 0,
        ledger: LEDGER,
        code: 1,
        flags: AccountFlags::default(),
        user_data_128: 0,
        user_data_64: 0,
        user_data_32: 0,
    }
}

fn transfer(id: u128, debit: u128, credit: u128, amount: u128) -> NewTransfer {
    NewTransfer {
        id,
        debit_account_id: debit,
        credit_account_id: credit,
        amount,
        ledger: LEDGER,
        code: 1,
        ..NewTransfer::default()
    }
}

fn linked(mut transfer: NewTransfer) -> NewTransfer {
    transfer.flags.linked = true;
    transfer
}

fn pending(mut transfer: NewTransfer, timeout_seconds: u32) -> NewTransfer {
    transfer.flags.pending = true;
    transfer.timeout_seconds = timeout_seconds;
    transfer
}

fn post(id: u128, pending_id: u128, amount: u128) -> NewTransfer {
    NewTransfer {
        id,
        pending_id,
        amount,
        flags: TransferFlags { post_pending_transfer: true, ..TransferFlags::default() },
        ..NewTransfer::default()
    }
}

fn void(id: u128, pending_id: u128) -> NewTransfer {
    NewTransfer {
        id,
        pending_id,
        flags: TransferFlags { void_pending_transfer: true, ..TransferFlags::default() },
        ..NewTransfer::default()
    }
}

/// (debits_posted, credits_posted, debits_pending, credits_pending) of an account.
type Totals = (u128, u128, u128, u128);

/// Applies `batches` (each at `t0 + seconds`) to a fresh ledger and checks each batch's answers and then the
/// accounts' totals.
/// A batch applied `seconds` after t0, with the answers expected for it.
type Batch = (i64, Vec<NewTransfer>, TransferResults);

fn check(batches: &[Batch], expect: &[(u128, Totals)]) {
    let mut ledger = ledger();
    for (batch_idx, (seconds, batch, answers)) in batches.iter().enumerate() {
        let now = t0() + SignedDuration::from_secs(*seconds);
        let results = ready(ledger.create_transfers(batch, now)).unwrap();
        assert_eq!(&results, answers, "answers of batch {batch_idx}");
        ledger.assert_invariants();
    }
    for (id, totals) in expect {
        let account = ready(ledger.lookup_accounts(&[*id])).unwrap()[0];
        let got = (account.debits_posted, account.credits_posted, account.debits_pending, account.credits_pending);
        assert_eq!(got, *totals, "totals of account {id}");
    }
}

use Created::{Created as New, Exists};
use TransferError as E;

#[test]
fn single_phase_transfer_moves_points() {
    check(
        &[(0, vec![transfer(10, ISSUER, ALICE, 50)], vec![Ok(New)])],
        &[(ISSUER, (50, 0, 0, 0)), (ALICE, (0, 50, 0, 0))],
    );
}

#[test]
fn resubmitting_the_same_transfer_answers_exists_and_changes_nothing() {
    check(
        &[
            (0, vec![transfer(10, ISSUER, ALICE, 50)], vec![Ok(New)]),
            (5, vec![transfer(10, ISSUER, ALICE, 50)], vec![Ok(Exists)]),
        ],
        &[(ALICE, (0, 50, 0, 0))],
    );
}

#[test]
fn the_same_id_with_a_different_body_is_refused_naming_the_field() {
    check(
        &[
            (0, vec![transfer(10, ISSUER, ALICE, 50)], vec![Ok(New)]),
            (1, vec![transfer(10, ISSUER, ALICE, 51)], vec![Err(E::ExistsWithDifferent { field: Field::Amount })]),
            (
                2,
                vec![transfer(10, ISSUER, BOB, 50)],
                vec![Err(E::ExistsWithDifferent { field: Field::CreditAccountId })],
            ),
        ],
        &[(ALICE, (0, 50, 0, 0)), (BOB, (0, 0, 0, 0))],
    );
}

#[test]
fn a_person_cannot_spend_more_than_they_have() {
    check(
        &[(
            0,
            vec![transfer(10, ISSUER, ALICE, 50), transfer(11, ALICE, BOB, 51), transfer(12, ALICE, BOB, 50)],
            vec![Ok(New), Err(E::ExceedsCredits), Ok(New)],
        )],
        &[(ALICE, (50, 50, 0, 0)), (BOB, (0, 50, 0, 0))],
    );
}

#[test]
fn a_linked_chain_is_all_or_nothing() {
    check(
        &[(
            0,
            vec![
                linked(transfer(10, ISSUER, ALICE, 50)),
                linked(transfer(11, ALICE, BOB, 20)),
                transfer(12, ALICE, BOB, 40),
            ],
            vec![Err(E::LinkedEventFailed), Err(E::LinkedEventFailed), Err(E::ExceedsCredits)],
        )],
        &[(ISSUER, (0, 0, 0, 0)), (ALICE, (0, 0, 0, 0)), (BOB, (0, 0, 0, 0))],
    );
}

#[test]
fn transfers_after_a_failed_member_fail_too_and_the_next_chain_is_independent() {
    check(
        &[(
            0,
            vec![
                linked(transfer(10, ALICE, BOB, 1)),
                linked(transfer(11, ISSUER, ALICE, 5)),
                transfer(12, ISSUER, BOB, 5),
                transfer(13, ISSUER, BOB, 7),
            ],
            vec![Err(E::ExceedsCredits), Err(E::LinkedEventFailed), Err(E::LinkedEventFailed), Ok(New)],
        )],
        &[(BOB, (0, 7, 0, 0)), (ALICE, (0, 0, 0, 0))],
    );
}

#[test]
fn a_chain_left_open_at_the_end_of_the_batch_fails() {
    check(
        &[(
            0,
            vec![
                transfer(9, ISSUER, ALICE, 1),
                linked(transfer(10, ISSUER, ALICE, 5)),
                linked(transfer(11, ISSUER, BOB, 5)),
            ],
            vec![Ok(New), Err(E::LinkedEventFailed), Err(E::LinkedEventChainOpen)],
        )],
        &[(ALICE, (0, 1, 0, 0)), (BOB, (0, 0, 0, 0))],
    );
}

#[test]
fn pending_then_partial_post_restores_the_remainder() {
    check(
        &[
            (0, vec![pending(transfer(10, ISSUER, ALICE, 50), 0)], vec![Ok(New)]),
            (1, vec![post(11, 10, 30)], vec![Ok(New)]),
            (
                2,
                vec![post(12, 10, 0), void(13, 10)],
                vec![Err(E::PendingTransferAlreadyPosted), Err(E::PendingTransferAlreadyPosted)],
            ),
        ],
        &[(ISSUER, (30, 0, 0, 0)), (ALICE, (0, 30, 0, 0))],
    );
}

#[test]
fn void_releases_the_reservation() {
    check(
        &[
            (0, vec![transfer(9, ISSUER, ALICE, 50), pending(transfer(10, ALICE, BOB, 40), 0)], vec![Ok(New), Ok(New)]),
            (1, vec![transfer(11, ALICE, BOB, 20)], vec![Err(E::ExceedsCredits)]),
            (2, vec![void(12, 10), transfer(13, ALICE, BOB, 20)], vec![Ok(New), Ok(New)]),
        ],
        &[(ALICE, (20, 50, 0, 0)), (BOB, (0, 20, 0, 0))],
    );
}

#[test]
fn a_pending_transfer_past_its_timeout_is_released_and_cannot_be_posted() {
    let mut ledger = ledger();
    let results = ready(ledger.create_transfers(&[pending(transfer(10, ISSUER, ALICE, 50), 60)], t0())).unwrap();
    assert_eq!(results, vec![Ok(New)]);
    let at_59 = t0() + SignedDuration::from_secs(59);
    assert_eq!(ready(ledger.pending_status(10, at_59)).unwrap(), Some(PendingStatus::Pending));
    // The ledger stamps each account and transfer with a unique, increasing timestamp (setup took the first
    // nanoseconds after t0), and the timeout counts from the pending transfer's own timestamp.
    let at_60 = t0() + SignedDuration::from_secs(61);
    assert_eq!(ready(ledger.pending_status(10, at_60)).unwrap(), Some(PendingStatus::Expired));
    let results = ready(ledger.create_transfers(&[post(11, 10, 0)], at_60)).unwrap();
    assert_eq!(results, vec![Err(E::PendingTransferExpired)]);
    let alice = ready(ledger.lookup_accounts(&[ALICE])).unwrap()[0];
    assert_eq!((alice.credits_pending, alice.credits_posted), (0, 0));
    ledger.assert_invariants();
}

#[test]
fn malformed_transfers_are_refused_with_their_code() {
    let mut zero_ledger = transfer(17, ISSUER, ALICE, 1);
    zero_ledger.ledger = 0;
    let mut zero_code = transfer(18, ISSUER, ALICE, 1);
    zero_code.code = 0;
    let mut timeout_single = transfer(19, ISSUER, ALICE, 1);
    timeout_single.timeout_seconds = 5;
    let mut both = pending(transfer(20, ISSUER, ALICE, 1), 0);
    both.flags.void_pending_transfer = true;
    let mut with_pending_id = transfer(21, ISSUER, ALICE, 1);
    with_pending_id.pending_id = 9;
    check(
        &[(
            0,
            vec![
                transfer(0, ISSUER, ALICE, 1),
                transfer(u128::MAX, ISSUER, ALICE, 1),
                transfer(11, ISSUER, ISSUER, 1),
                transfer(12, 99, ALICE, 1),
                transfer(13, ISSUER, 99, 1),
                transfer(14, ISSUER, OTHER_LEDGER_ACCOUNT, 1),
                transfer(15, ISSUER, ALICE, 0),
                post(16, 99, 0),
                zero_ledger,
                zero_code,
                timeout_single,
                both,
                with_pending_id,
                post(22, 0, 0),
                post(23, 23, 0),
            ],
            vec![
                Err(E::IdReserved),
                Err(E::IdReserved),
                Err(E::AccountsMustBeDifferent),
                Err(E::DebitAccountNotFound),
                Err(E::CreditAccountNotFound),
                Err(E::AccountsMustHaveTheSameLedger),
                Err(E::AmountMustNotBeZero),
                Err(E::PendingTransferNotFound),
                Err(E::LedgerMustNotBeZero),
                Err(E::CodeMustNotBeZero),
                Err(E::TimeoutReservedForPendingTransfer),
                Err(E::FlagsAreMutuallyExclusive),
                Err(E::PendingIdMustBeZero),
                Err(E::PendingIdRequired),
                Err(E::PendingIdMustBeDifferent),
            ],
        )],
        &[(ALICE, (0, 0, 0, 0))],
    );
}

#[test]
fn posting_more_than_reserved_or_a_single_phase_transfer_is_refused() {
    check(
        &[
            (
                0,
                vec![pending(transfer(10, ISSUER, ALICE, 50), 0), transfer(11, ISSUER, BOB, 5)],
                vec![Ok(New), Ok(New)],
            ),
            (
                1,
                vec![post(12, 10, 51), post(13, 11, 0)],
                vec![Err(E::ExceedsPendingTransferAmount), Err(E::PendingTransferNotPending)],
            ),
        ],
        &[(ALICE, (0, 0, 0, 50))],
    );
}

// ---- properties ----

#[derive(Clone, Debug)]
enum Op {
    Single { debit: u128, credit: u128, amount: u128, linked: bool },
    Pending { debit: u128, credit: u128, amount: u128, timeout_seconds: u32, linked: bool },
    Post { pending_slot: usize, amount: u128 },
    Void { pending_slot: usize },
    Resubmit { slot: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let account = 1u128..=3;
    prop_oneof![
        4 => (account.clone(), account.clone(), 1u128..60, any::<bool>())
            .prop_map(|(debit, credit, amount, linked)| Op::Single { debit, credit, amount, linked }),
        2 => (account.clone(), account, 1u128..60, prop_oneof![Just(0u32), 1u32..30], any::<bool>()).prop_map(
            |(debit, credit, amount, timeout_seconds, linked)| Op::Pending { debit, credit, amount, timeout_seconds, linked }
        ),
        1 => (any::<usize>(), 0u128..60).prop_map(|(pending_slot, amount)| Op::Post { pending_slot, amount }),
        1 => any::<usize>().prop_map(|pending_slot| Op::Void { pending_slot }),
        1 => any::<usize>().prop_map(|slot| Op::Resubmit { slot }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random batches of single, pending, post, void and resubmitted transfers, linked or not, over time: the
    /// invariants hold after every batch, every answered-created transfer is stored once, and each account's totals
    /// equal a recomputation from the stored transfers alone.
    #[test]
    fn random_batches_conserve_points_and_match_a_recomputation(
        batches in prop::collection::vec((0i64..20, prop::collection::vec(op(), 1..12)), 1..10)
    ) {
        let mut ledger = ledger();
        let mut submitted: Vec<NewTransfer> = Vec::new();
        let mut pendings: Vec<u128> = Vec::new();
        let mut next_id = 100u128;
        let mut now = t0();
        for (advance, ops) in batches {
            now += SignedDuration::from_secs(advance);
            let mut batch = Vec::new();
            for op in ops {
                next_id += 1;
                let new = match op {
                    Op::Single { debit, credit, amount, linked } => {
                        let mut new = transfer(next_id, debit, credit, amount);
                        new.flags.linked = linked;
                        new
                    }
                    Op::Pending { debit, credit, amount, timeout_seconds, linked } => {
                        let mut new = pending(transfer(next_id, debit, credit, amount), timeout_seconds);
                        new.flags.linked = linked;
                        pendings.push(next_id);
                        new
                    }
                    Op::Post { pending_slot, amount } if !pendings.is_empty() => {
                        post(next_id, pendings[pending_slot % pendings.len()], amount)
                    }
                    Op::Void { pending_slot } if !pendings.is_empty() => void(next_id, pendings[pending_slot % pendings.len()]),
                    Op::Resubmit { slot } if !submitted.is_empty() => submitted[slot % submitted.len()],
                    _ => transfer(next_id, ISSUER, ALICE, 1),
                };
                batch.push(new);
            }
            let results = ready(ledger.create_transfers(&batch, now)).unwrap();
            prop_assert_eq!(results.len(), batch.len());
            for (new, result) in batch.iter().zip(&results) {
                if *result == Ok(Created::Created) {
                    submitted.push(*new);
                }
                if let Ok(Created::Exists) = result {
                    prop_assert!(submitted.iter().any(|earlier| earlier == new));
                }
            }
            ledger.assert_invariants();
            check_chains(&batch, &results)?;
            // A batch applied in full and sent again changes nothing and answers `Exists` throughout.
            if results.iter().all(Result::is_ok) {
                let before: Vec<_> = ledger.accounts().copied().collect();
                let again = ready(ledger.create_transfers(&batch, now)).unwrap();
                prop_assert!(again.iter().all(|result| *result == Ok(Created::Exists)), "{:?}", again);
                prop_assert_eq!(before, ledger.accounts().copied().collect::<Vec<_>>());
            }
        }
        // An empty batch at `now` releases every pending transfer whose timeout has passed.
        ready(ledger.create_transfers(&[], now)).unwrap();
        ledger.assert_invariants();
        // Recompute every account from the stored transfers alone: a pending transfer is still reserved unless a
        // post or void references it or its timeout has passed.
        let stored = ledger.transfers();
        let ids: std::collections::BTreeSet<u128> = stored.iter().map(|transfer| transfer.id).collect();
        prop_assert_eq!(ids.len(), stored.len());
        for account in ledger.accounts() {
            let (mut debits_posted, mut credits_posted, mut debits_pending, mut credits_pending) = (0, 0, 0, 0);
            for transfer in &stored {
                let is_debit = transfer.debit_account_id == account.id;
                let is_credit = transfer.credit_account_id == account.id;
                if transfer.flags.pending {
                    let resolved = stored.iter().any(|other| other.pending_id == transfer.id);
                    let expired = transfer.timeout_seconds != 0
                        && transfer.timestamp + SignedDuration::from_secs(i64::from(transfer.timeout_seconds)) <= now;
                    if !resolved && !expired {
                        if is_debit { debits_pending += transfer.amount; }
                        if is_credit { credits_pending += transfer.amount; }
                    }
                } else if !transfer.flags.void_pending_transfer {
                    if is_debit { debits_posted += transfer.amount; }
                    if is_credit { credits_posted += transfer.amount; }
                }
            }
            prop_assert_eq!(
                (account.debits_posted, account.credits_posted, account.debits_pending, account.credits_pending),
                (debits_posted, credits_posted, debits_pending, credits_pending),
                "account {}", account.id
            );
            if account.flags.debits_must_not_exceed_credits {
                prop_assert!(account.debits_posted + account.debits_pending <= account.credits_posted);
            }
        }
    }
}

/// Each linked chain of a batch is all-or-nothing: every member succeeded, or every member failed with exactly one
/// carrying the cause and the others `LinkedEventFailed`. A transfer outside a chain never answers
/// `LinkedEventFailed`.
fn check_chains(batch: &[NewTransfer], results: &TransferResults) -> Result<(), TestCaseError> {
    let mut start = 0;
    for (index, transfer) in batch.iter().enumerate() {
        let chain_ends = !transfer.flags.linked || index + 1 == batch.len();
        if !chain_ends {
            continue;
        }
        let chain = &results[start..=index];
        let is_chain = chain.len() > 1 || transfer.flags.linked;
        if is_chain {
            let n_ok = chain.iter().filter(|result| result.is_ok()).count();
            let n_causes =
                chain.iter().filter(|result| matches!(result, Err(error) if *error != E::LinkedEventFailed)).count();
            prop_assert!(
                n_ok == chain.len() || (n_ok == 0 && n_causes == 1),
                "chain {}..={}: {:?}",
                start,
                index,
                chain
            );
        } else {
            prop_assert_ne!(&chain[0], &Err(E::LinkedEventFailed), "transfer {} is not in a chain", index);
        }
        start = index + 1;
    }
    Ok(())
}

#[test]
fn a_budget_account_pays_out_only_what_was_funded() {
    let mut ledger = ledger();
    let budget = NewAccount {
        id: 50,
        code: 9,
        flags: AccountFlags { debits_must_not_exceed_credits: false, credits_must_not_exceed_debits: true },
        ..account()
    };
    assert_eq!(ready(ledger.create_accounts(&[budget], t0())).unwrap(), vec![Ok(Created::Created)]);
    // Crediting the budget needs debits first: after 30 paid out to Alice, 30 may come back, not 31.
    let results = ready(ledger.create_transfers(
        &[
            transfer(9, ISSUER, ALICE, 100),
            transfer(10, ALICE, 50, 1),
            transfer(11, 50, ALICE, 30),
            transfer(12, ALICE, 50, 31),
            transfer(13, ALICE, 50, 30),
        ],
        t0(),
    ))
    .unwrap();
    assert_eq!(results, vec![Ok(New), Err(E::ExceedsDebits), Ok(New), Err(E::ExceedsDebits), Ok(New)]);
    ledger.assert_invariants();
}

#[test]
fn accounts_are_created_once_and_checked() {
    let mut ledger = ledger();
    let person = AccountFlags { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false };
    let both = AccountFlags { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: true };
    let results = ready(ledger.create_accounts(
        &[
            NewAccount { id: ALICE, ledger: LEDGER, code: 2, flags: person, ..account() },
            NewAccount { id: ALICE, ledger: LEDGER, code: 3, flags: person, ..account() },
            NewAccount { id: 0, ..account() },
            NewAccount { id: u128::MAX, ..account() },
            NewAccount { id: 60, flags: both, ..account() },
            NewAccount { id: 61, ledger: 0, ..account() },
            NewAccount { id: 62, code: 0, ..account() },
        ],
        t0(),
    ))
    .unwrap();
    use tanji_account::ledger::AccountError as A;
    assert_eq!(
        results,
        vec![
            Ok(Created::Exists),
            Err(A::ExistsWithDifferent { field: Field::Code }),
            Err(A::IdReserved),
            Err(A::IdReserved),
            Err(A::FlagsAreMutuallyExclusive),
            Err(A::LedgerMustNotBeZero),
            Err(A::CodeMustNotBeZero),
        ]
    );
}
