//! The points ledger in the store (migration 0015) against the domain's contract: the replay properties of
//! tanji-account (shared with its tests by path) on SQLite and PostgreSQL, a batch dropped before commit, random
//! batches answered exactly as the reference `MemoryLedger` answers them, and tenancy.

#[path = "../../../tanji-account/tests/support/mod.rs"]
pub(crate) mod account_support;

use account_support::AuditedLedger;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::ledger::{
    AccountFlags, Created, Ledger, NewAccount, NewTransfer, PendingStatus, TransferError, TransferFlags,
};
use tanji_store::StoreError;
use tanji_store::account_ledger::PointsLedger;
use tanji_tenancy::access::Credential;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::{Actor, Permission, UserId};

use crate::fixtures::{World, organisation};
use tanji_testkit::{TestDatabase, on_both_databases};

impl AuditedLedger for PointsLedger {
    async fn assert_invariants(&self) {
        let check = self.check().await.expect("reading the ledger");
        check.expect("the stored ledger's invariants hold");
    }
}

/// A fresh operator organisation's ledger, for one property case. The actor is built here rather than logged in:
/// a login hashes a password, which would dominate hundreds of cases; the ledger reads only the organisation and
/// the role.
async fn fresh_ledger(store: &tanji_store::Store, case: usize) -> PointsLedger {
    let operator = organisation(store, &format!("碳普惠 operator {case}"), OrganisationKind::PlatformOperator).await;
    let actor = Actor {
        user_id: UserId::from_uuid(uuid::Uuid::from_u128(case as u128 + 1)),
        label: format!("operator {case}"),
        organisation_id: operator.id,
        organisation_kind: OrganisationKind::PlatformOperator,
        role: Role::Editor,
        credential: Credential::Session,
    };
    store.points_ledger(&actor).await.unwrap()
}

/// Runs `property` on `cases` random inputs of `strategy`, each on a fresh ledger of the test's database.
async fn run_property<S, F, Fut>(test: &TestDatabase, cases: u32, strategy: S, property: F)
where
    S: Strategy,
    F: Fn(PointsLedger, S::Value) -> Fut,
    Fut: Future<Output = Result<(), TestCaseError>>,
{
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&strategy, |value| {
            let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(async {
                let ledger = fresh_ledger(&test.store, case).await;
                property(ledger, value).await
            })
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

on_both_databases!(replayed_streams_credit_once_and_match_a_recomputation_on_the_store);
async fn replayed_streams_credit_once_and_match_a_recomputation_on_the_store(test: TestDatabase) {
    let actions = prop::collection::vec(account_support::replay::action(), 1..60);
    run_property(&test, 24, actions, account_support::replay::run).await;
}

on_both_databases!(held_and_delayed_credits_are_released_once_on_the_store);
async fn held_and_delayed_credits_are_released_once_on_the_store(test: TestDatabase) {
    let actions = prop::collection::vec(account_support::replay_held::action(), 1..60);
    run_property(&test, 24, actions, account_support::replay_held::run).await;
}

fn t0() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

const ISSUER: u128 = 1;
/// An id above 2^64, so that both halves of the stored pair matter.
const ALICE: u128 = (7 << 64) | 2;
const BOB: u128 = u128::MAX - 3;

fn accounts() -> Vec<NewAccount> {
    let person = AccountFlags { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false };
    let account = |id, code, flags| NewAccount {
        id,
        ledger: 1,
        code,
        flags,
        user_data_128: u128::MAX - id,
        user_data_64: u64::MAX - 5,
        user_data_32: 7,
    };
    vec![account(ISSUER, 1, AccountFlags::default()), account(ALICE, 2, person), account(BOB, 2, person)]
}

fn transfer(id: u128, debit: u128, credit: u128, amount: u128) -> NewTransfer {
    NewTransfer {
        id,
        debit_account_id: debit,
        credit_account_id: credit,
        amount,
        ledger: 1,
        code: 1,
        user_data_64: u64::MAX,
        ..NewTransfer::default()
    }
}

#[derive(Clone, Debug)]
enum Op {
    Single { debit: usize, credit: usize, amount: u128, linked: bool },
    Pending { debit: usize, credit: usize, amount: u128, timeout_seconds: u32, linked: bool },
    Post { pending_slot: usize, amount: u128, zero_fields: bool },
    Void { pending_slot: usize },
    Resubmit { slot: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, 0usize..3, 1u128..60, any::<bool>())
            .prop_map(|(debit, credit, amount, linked)| Op::Single { debit, credit, amount, linked }),
        2 => (0usize..3, 0usize..3, 1u128..60, prop_oneof![Just(0u32), 1u32..30], any::<bool>()).prop_map(
            |(debit, credit, amount, timeout_seconds, linked)| Op::Pending { debit, credit, amount, timeout_seconds, linked }
        ),
        1 => (any::<usize>(), 0u128..60, any::<bool>())
            .prop_map(|(pending_slot, amount, zero_fields)| Op::Post { pending_slot, amount, zero_fields }),
        1 => any::<usize>().prop_map(|pending_slot| Op::Void { pending_slot }),
        1 => any::<usize>().prop_map(|slot| Op::Resubmit { slot }),
    ]
}

/// Random batches over time, each applied to the store and to `MemoryLedger`: the answers, the accounts, the
/// transfers and the pending statuses are the same, and the stored invariants hold after every batch.
async fn matches_the_reference(
    mut store_ledger: PointsLedger,
    batches: Vec<(i64, Vec<Op>)>,
) -> Result<(), TestCaseError> {
    let ids = [ISSUER, ALICE, BOB];
    let mut reference = MemoryLedger::new();
    let created = store_ledger.create_accounts(&accounts(), t0()).await.unwrap();
    prop_assert_eq!(&created, &ready(reference.create_accounts(&accounts(), t0())).unwrap());
    let mut submitted: Vec<NewTransfer> = Vec::new();
    let mut pendings: Vec<u128> = Vec::new();
    let mut next_id = 1u128 << 70;
    let mut now = t0();
    for (advance, ops) in batches {
        now += SignedDuration::from_secs(advance);
        let mut batch = Vec::new();
        for op in ops {
            next_id += 1;
            let new = match op {
                Op::Single { debit, credit, amount, linked } => NewTransfer {
                    flags: TransferFlags { linked, ..TransferFlags::default() },
                    ..transfer(next_id, ids[debit], ids[credit], amount)
                },
                Op::Pending { debit, credit, amount, timeout_seconds, linked } => {
                    pendings.push(next_id);
                    NewTransfer {
                        timeout_seconds,
                        flags: TransferFlags { linked, pending: true, ..TransferFlags::default() },
                        ..transfer(next_id, ids[debit], ids[credit], amount)
                    }
                }
                Op::Post { pending_slot, amount, zero_fields } if !pendings.is_empty() => {
                    let pending_id = pendings[pending_slot % pendings.len()];
                    let mut post = NewTransfer {
                        id: next_id,
                        pending_id,
                        amount,
                        flags: TransferFlags { post_pending_transfer: true, ..TransferFlags::default() },
                        ..NewTransfer::default()
                    };
                    if !zero_fields && let Some(pending) = submitted.iter().find(|earlier| earlier.id == pending_id) {
                        post.debit_account_id = pending.debit_account_id;
                        post.credit_account_id = pending.credit_account_id;
                        post.ledger = pending.ledger;
                        post.code = pending.code;
                    }
                    post
                }
                Op::Void { pending_slot } if !pendings.is_empty() => NewTransfer {
                    id: next_id,
                    pending_id: pendings[pending_slot % pendings.len()],
                    flags: TransferFlags { void_pending_transfer: true, ..TransferFlags::default() },
                    ..NewTransfer::default()
                },
                Op::Resubmit { slot } if !submitted.is_empty() => submitted[slot % submitted.len()],
                _ => transfer(next_id, ISSUER, ALICE, 1),
            };
            batch.push(new);
        }
        let expected = ready(reference.create_transfers(&batch, now)).unwrap();
        let got = store_ledger.create_transfers(&batch, now).await.unwrap();
        prop_assert_eq!(&got, &expected, "batch {:?}", batch);
        for (new, result) in batch.iter().zip(&got) {
            if *result == Ok(Created::Created) {
                submitted.push(*new);
            }
        }
        store_ledger.assert_invariants().await;
        let stored_accounts = store_ledger.lookup_accounts(&ids).await.unwrap();
        let reference_accounts = ready(reference.lookup_accounts(&ids)).unwrap();
        prop_assert_eq!(stored_accounts, reference_accounts);
        for id in ids {
            let stored = store_ledger.account_transfers(id).await.unwrap();
            prop_assert_eq!(stored, ready(reference.account_transfers(id)).unwrap());
        }
        for pending_id in &pendings {
            let stored = store_ledger.pending_status(*pending_id, now).await.unwrap();
            prop_assert_eq!(stored, ready(reference.pending_status(*pending_id, now)).unwrap());
        }
    }
    let all: Vec<u128> = submitted.iter().map(|transfer| transfer.id).collect();
    prop_assert_eq!(
        store_ledger.lookup_transfers(&all).await.unwrap(),
        ready(reference.lookup_transfers(&all)).unwrap()
    );
    Ok(())
}

on_both_databases!(random_batches_are_answered_as_the_reference_ledger_answers_them);
async fn random_batches_are_answered_as_the_reference_ledger_answers_them(test: TestDatabase) {
    let batches = prop::collection::vec((0i64..20, prop::collection::vec(op(), 1..12)), 1..8);
    run_property(&test, 32, batches, matches_the_reference).await;
}

on_both_databases!(a_batch_dropped_before_commit_leaves_nothing_behind);
async fn a_batch_dropped_before_commit_leaves_nothing_behind(test: TestDatabase) {
    let ledger = fresh_ledger(&test.store, 0).await;
    let mut writer = ledger.clone();
    writer.create_accounts(&accounts(), t0()).await.unwrap();
    let funding = transfer(10, ISSUER, ALICE, 100);
    assert_eq!(writer.create_transfers(&[funding], t0()).await.unwrap(), vec![Ok(Created::Created)]);
    let before = ledger.lookup_accounts(&[ISSUER, ALICE, BOB]).await.unwrap();

    // A linked chain and a pending transfer with a timeout, decided and written, then the process "crashes": the
    // transaction is dropped without a commit.
    let batch = [
        NewTransfer {
            flags: TransferFlags { linked: true, ..TransferFlags::default() },
            ..transfer(11, ALICE, BOB, 40)
        },
        transfer(12, BOB, ALICE, 5),
        NewTransfer {
            timeout_seconds: 60,
            flags: TransferFlags { pending: true, ..TransferFlags::default() },
            ..transfer(13, ALICE, BOB, 30)
        },
    ];
    let later = t0() + SignedDuration::from_secs(1);
    let (results, uncommitted) = ledger.begin_transfers(&batch, later).await.unwrap();
    assert!(results.iter().all(|result| *result == Ok(Created::Created)), "{results:?}");
    drop(uncommitted);

    assert_eq!(ledger.lookup_accounts(&[ISSUER, ALICE, BOB]).await.unwrap(), before);
    assert!(ledger.lookup_transfers(&[11, 12, 13]).await.unwrap().is_empty());
    assert_eq!(ledger.pending_status(13, later).await.unwrap(), None);
    ledger.assert_invariants().await;

    // Sent again after the "restart", the batch applies once, as if the first attempt never happened.
    assert_eq!(writer.create_transfers(&batch, later).await.unwrap(), results);
    assert_eq!(writer.create_transfers(&batch, later).await.unwrap(), vec![Ok(Created::Exists); 3]);
    let alice = ledger.lookup_accounts(&[ALICE]).await.unwrap()[0];
    assert_eq!((alice.debits_posted, alice.credits_posted, alice.debits_pending), (40, 105, 30));
    // The pending transfer's timeout passes: the next batch releases it.
    // Its timestamp is a few nanoseconds after `later` (each transfer of a batch gets its own); a minute later it has
    // expired.
    let expired_at = later + SignedDuration::from_secs(61);
    assert_eq!(ledger.pending_status(13, expired_at).await.unwrap(), Some(PendingStatus::Expired));
    writer.create_transfers(&[], expired_at).await.unwrap();
    assert_eq!(ledger.lookup_accounts(&[ALICE]).await.unwrap()[0].debits_pending, 0);
    let post = NewTransfer {
        id: 14,
        pending_id: 13,
        flags: TransferFlags { post_pending_transfer: true, ..TransferFlags::default() },
        ..NewTransfer::default()
    };
    assert_eq!(
        writer.create_transfers(&[post], expired_at).await.unwrap(),
        vec![Err(TransferError::PendingTransferExpired)]
    );
    ledger.assert_invariants().await;
}

on_both_databases!(another_tenants_ledger_reads_as_not_found_and_roles_are_enforced);
async fn another_tenants_ledger_reads_as_not_found_and_roles_are_enforced(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let mut brand_ledger = store.points_ledger(&world.brand_editor).await.unwrap();
    brand_ledger.create_accounts(&accounts(), t0()).await.unwrap();
    brand_ledger.create_transfers(&[transfer(10, ISSUER, ALICE, 100)], t0()).await.unwrap();

    // Another operator's ledger is its own: the brand's accounts and transfers are not there, and the same ids can
    // be used without touching the brand's.
    let mut other = fresh_ledger(store, 1).await;
    assert!(other.lookup_accounts(&[ISSUER, ALICE]).await.unwrap().is_empty());
    assert!(other.lookup_transfers(&[10]).await.unwrap().is_empty());
    assert!(other.account_transfers(ALICE).await.unwrap().is_empty());
    assert_eq!(other.pending_status(10, t0()).await.unwrap(), None);
    other.create_accounts(&accounts(), t0()).await.unwrap();
    assert_eq!(
        other.create_transfers(&[transfer(10, ISSUER, ALICE, 1)], t0()).await.unwrap(),
        vec![Ok(Created::Created)]
    );
    assert_eq!(brand_ledger.lookup_accounts(&[ALICE]).await.unwrap()[0].credits_posted, 100);
    assert_eq!(brand_ledger.lookup_transfers(&[10]).await.unwrap()[0].amount, 100);

    // The auditor reads but cannot submit; the viewer cannot open the ledger at all.
    let mut auditors = store.points_ledger(&world.brand_auditor).await.unwrap();
    assert_eq!(auditors.lookup_accounts(&[ALICE]).await.unwrap().len(), 1);
    let refused = auditors.create_transfers(&[transfer(11, ISSUER, ALICE, 1)], t0()).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::Denied(ref denied) if denied.permission == Permission::OperatePointsLedger),
        "{refused:?}"
    );
    let viewer = store.points_ledger(&world.brand_viewer).await.unwrap_err();
    assert!(matches!(viewer, StoreError::Denied(_)), "{viewer:?}");
    // A supplier runs no points scheme.
    let supplier = store.points_ledger(&world.supplier_owner).await.unwrap_err();
    assert!(matches!(supplier, StoreError::Denied(_)), "{supplier:?}");
    // An auditor of an organisation whose ledger was never opened finds nothing to open.
    let operator = organisation(store, "另一运营方", OrganisationKind::PlatformOperator).await;
    let auditor = Actor {
        user_id: UserId::from_uuid(uuid::Uuid::from_u128(u128::MAX)),
        label: "auditor".into(),
        organisation_id: operator.id,
        organisation_kind: OrganisationKind::PlatformOperator,
        role: Role::Auditor,
        credential: Credential::Session,
    };
    assert!(matches!(store.points_ledger(&auditor).await.unwrap_err(), StoreError::NotFound));
}
