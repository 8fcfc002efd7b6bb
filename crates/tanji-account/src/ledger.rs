//! The points ledger: double-entry accounts and transfers on TigerBeetle's model.
//!
//! An `Account` never holds a balance field; it holds four running totals — debits and credits, each posted and
//! pending — and its balance is a difference of them. A `Transfer` moves an amount from one account (debited) to
//! another (credited) on the same ledger, so every transfer balances by construction and the sum of all accounts'
//! balances is zero at all times. Transfers are immutable; a mistake is corrected by another transfer. Ids are
//! chosen by the client (`u128`), which makes submission idempotent: the same id with the same body answers
//! `Created::Exists`, the same id with a different body is an error naming the first field that differs.
//!
//! Linked transfers (`TransferFlags::linked` on every member but the last) succeed or fail together. Two-phase
//! transfers reserve an amount (`pending`, optionally with a timeout in seconds) and later post all or part of it
//! (`post_pending_transfer`) or release it (`void_pending_transfer`); a pending transfer whose timeout has passed
//! is released by the ledger and can no longer be posted. Time is an argument (`now`), never read from a clock.
//!
//! `Ledger` is the interface the storage adapters implement (SQLite/PostgreSQL in tanji-store, the TigerBeetle
//! client at scale). Its methods return futures so that an async database can implement it; `MemoryLedger` is the
//! reference implementation whose futures are always ready (drive them with `memory::ready`). It is the oracle the
//! stores' tests compare against.
//!
//! Mapping to the TigerBeetle client, for the adapter that will use it: `create_accounts`/`create_transfers` and
//! `lookup_accounts`/`lookup_transfers` are TigerBeetle's operations of the same names; `account_transfers` is
//! `get_account_transfers` (debits and credits, ascending, paged); `pending_status` is a lookup of the pending
//! transfer plus a query for a post or void naming it. Differences the adapter translates: TigerBeetle takes time
//! from its cluster, not from `now`; its recent versions accept zero amounts, which tanji refuses
//! (`AmountMustNotBeZero`); a post of the whole pending amount is `amount = 0` here and `AMOUNT_MAX` from
//! TigerBeetle 0.16 on; `Exists` is its `exists` result and `ExistsWithDifferent { field }` its
//! `exists_with_different_*` results.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A ledger account's id, chosen by the client. Zero and `u128::MAX` are reserved.
pub type AccountId = u128;
/// A transfer's id, chosen by the client. Zero and `u128::MAX` are reserved.
pub type TransferId = u128;
/// An amount of points. Points are whole numbers; a fraction of a point is never created.
pub type Amount = u128;

/// The balance rules an account enforces on every transfer that touches it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountFlags {
    /// The account's debits (posted and pending) may never exceed its posted credits: a person cannot spend points
    /// they do not have.
    pub debits_must_not_exceed_credits: bool,
    /// The account's credits (posted and pending) may never exceed its posted debits: a budget that can only be
    /// paid out after it was funded.
    pub credits_must_not_exceed_debits: bool,
}

/// An account to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NewAccount {
    pub id: AccountId,
    /// The ledger (unit of value) the account belongs to; transfers never cross ledgers. In tanji one ledger per
    /// points scheme.
    pub ledger: u32,
    /// What kind of account this is (a person, an issuance source, a sink); see `points::AccountCode`.
    pub code: u16,
    pub flags: AccountFlags,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
}

/// A stored account with its running totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub ledger: u32,
    pub code: u16,
    pub flags: AccountFlags,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    pub debits_pending: Amount,
    pub debits_posted: Amount,
    pub credits_pending: Amount,
    pub credits_posted: Amount,
    /// When the ledger created the account.
    pub timestamp: Timestamp,
}

impl Account {
    /// Posted credits minus posted debits (a person's spendable points before expiry is applied).
    pub fn credit_balance_posted(&self) -> i128 {
        signed(self.credits_posted) - signed(self.debits_posted)
    }

    /// Posted credits minus posted debits and pending debits: what could still be debited from an account with
    /// `debits_must_not_exceed_credits`.
    pub fn credit_balance_available(&self) -> i128 {
        signed(self.credits_posted) - signed(self.debits_posted) - signed(self.debits_pending)
    }
}

fn signed(amount: Amount) -> i128 {
    // Amounts are bounded by the overflow checks on every transfer (`MAX_TOTAL`), so they fit an i128.
    i128::try_from(amount).expect("ledger totals are bounded by MAX_TOTAL")
}

/// The largest any running total may grow; keeps every sum of totals inside i128 and u128.
pub const MAX_TOTAL: Amount = (1 << 100) - 1;

/// What a transfer is and how it moves its amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransferFlags {
    /// This transfer and the next one in the batch succeed or fail together.
    pub linked: bool,
    /// Reserve the amount (first phase of a two-phase transfer).
    pub pending: bool,
    /// Post all or part of the pending transfer `pending_id`.
    pub post_pending_transfer: bool,
    /// Release the pending transfer `pending_id`.
    pub void_pending_transfer: bool,
}

/// A transfer as submitted by the client.
///
/// For `post_pending_transfer` and `void_pending_transfer` the accounts, ledger and code may be zero (taken from the
/// pending transfer) or must equal the pending transfer's; an amount of zero posts the whole pending amount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NewTransfer {
    pub id: TransferId,
    pub debit_account_id: AccountId,
    pub credit_account_id: AccountId,
    pub amount: Amount,
    /// The pending transfer this one posts or voids; zero otherwise.
    pub pending_id: TransferId,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    /// Seconds after which a pending transfer is released by the ledger; zero means never. Only for `pending`.
    pub timeout_seconds: u32,
    pub ledger: u32,
    pub code: u16,
    pub flags: TransferFlags,
}

/// A stored transfer: the submitted fields with those of a post or void filled in from its pending transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transfer {
    pub id: TransferId,
    pub debit_account_id: AccountId,
    pub credit_account_id: AccountId,
    /// The amount moved: for a post the amount posted, for a void the amount released.
    pub amount: Amount,
    pub pending_id: TransferId,
    pub user_data_128: u128,
    pub user_data_64: u64,
    pub user_data_32: u32,
    pub timeout_seconds: u32,
    pub ledger: u32,
    pub code: u16,
    pub flags: TransferFlags,
    /// When the ledger applied the transfer; unique and increasing across the ledger.
    pub timestamp: Timestamp,
}

/// What became of a pending transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PendingStatus {
    Pending,
    Posted,
    Voided,
    /// The timeout passed before a post or void; the amount was released.
    Expired,
}

/// A successful answer for one account or transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Created {
    /// Created now.
    Created,
    /// Already created earlier with exactly the same fields: nothing changed (an idempotent retry).
    Exists,
}

/// A field of a transfer or account, named in `ExistsWithDifferent` and `PendingTransferHasDifferent` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    DebitAccountId,
    CreditAccountId,
    Amount,
    PendingId,
    UserData128,
    UserData64,
    UserData32,
    Timeout,
    Ledger,
    Code,
    Flags,
}

impl Field {
    /// The field's stable name.
    pub fn code(self) -> &'static str {
        match self {
            Field::DebitAccountId => "debit_account_id",
            Field::CreditAccountId => "credit_account_id",
            Field::Amount => "amount",
            Field::PendingId => "pending_id",
            Field::UserData128 => "user_data_128",
            Field::UserData64 => "user_data_64",
            Field::UserData32 => "user_data_32",
            Field::Timeout => "timeout",
            Field::Ledger => "ledger",
            Field::Code => "code",
            Field::Flags => "flags",
        }
    }
}

/// Why an account was not created.
// Not `non_exhaustive`: the message catalogue matches every code, so a new one without its texts does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AccountError {
    /// The id is zero or `u128::MAX`, both reserved.
    #[error("account id is reserved")]
    IdReserved,
    /// Both balance flags are set; no transfer could ever touch the account.
    #[error("account flags are mutually exclusive")]
    FlagsAreMutuallyExclusive,
    /// The ledger is zero.
    #[error("account ledger must not be zero")]
    LedgerMustNotBeZero,
    /// The code is zero.
    #[error("account code must not be zero")]
    CodeMustNotBeZero,
    /// An account with this id exists with different fields.
    #[error("account exists with a different {field:?}")]
    ExistsWithDifferent { field: Field },
}

impl AccountError {
    /// The stable code of this error (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::IdReserved => "id_reserved",
            AccountError::FlagsAreMutuallyExclusive => "flags_are_mutually_exclusive",
            AccountError::LedgerMustNotBeZero => "ledger_must_not_be_zero",
            AccountError::CodeMustNotBeZero => "code_must_not_be_zero",
            AccountError::ExistsWithDifferent { .. } => "exists_with_different",
        }
    }
}

/// Why a transfer was not created. Listed, as in TigerBeetle, in the order the checks run: when several apply, the
/// first is answered.
// Not `non_exhaustive`: the message catalogue matches every code, so a new one without its texts does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TransferError {
    /// Another transfer in the same linked chain failed, so this one was not applied either.
    #[error("another transfer in the linked chain failed")]
    LinkedEventFailed,
    /// The last transfer of the batch has `linked` set: the chain is never closed.
    #[error("the linked chain is not closed at the end of the batch")]
    LinkedEventChainOpen,
    /// The id is zero or `u128::MAX`, both reserved.
    #[error("transfer id is reserved")]
    IdReserved,
    /// More than one of `pending`, `post_pending_transfer`, `void_pending_transfer` is set.
    #[error("transfer flags are mutually exclusive")]
    FlagsAreMutuallyExclusive,
    /// A transfer with this id exists with different fields; the first differing field is named.
    #[error("transfer exists with a different {field:?}")]
    ExistsWithDifferent { field: Field },
    /// A post or void names no pending transfer.
    #[error("pending_id is required to post or void")]
    PendingIdRequired,
    /// A transfer that is not a post or void names a pending transfer.
    #[error("pending_id must be zero unless posting or voiding")]
    PendingIdMustBeZero,
    /// A post or void names itself.
    #[error("pending_id must differ from the transfer id")]
    PendingIdMustBeDifferent,
    /// A timeout is given on a transfer that is not pending.
    #[error("a timeout is only for pending transfers")]
    TimeoutReservedForPendingTransfer,
    /// The ledger is zero.
    #[error("transfer ledger must not be zero")]
    LedgerMustNotBeZero,
    /// The code is zero.
    #[error("transfer code must not be zero")]
    CodeMustNotBeZero,
    /// The amount is zero (a transfer that moves nothing is refused rather than stored).
    #[error("amount must not be zero")]
    AmountMustNotBeZero,
    /// The debit and credit accounts are the same.
    #[error("accounts must be different")]
    AccountsMustBeDifferent,
    /// The debit account does not exist.
    #[error("debit account not found")]
    DebitAccountNotFound,
    /// The credit account does not exist.
    #[error("credit account not found")]
    CreditAccountNotFound,
    /// The two accounts are on different ledgers.
    #[error("accounts must be on the same ledger")]
    AccountsMustHaveTheSameLedger,
    /// The transfer's ledger is not its accounts' ledger.
    #[error("transfer must be on its accounts' ledger")]
    TransferMustHaveTheSameLedgerAsAccounts,
    /// The pending transfer named by `pending_id` does not exist.
    #[error("pending transfer not found")]
    PendingTransferNotFound,
    /// The transfer named by `pending_id` is not a pending transfer.
    #[error("the referenced transfer is not pending")]
    PendingTransferNotPending,
    /// A post or void gives a field that differs from the pending transfer's.
    #[error("post or void differs from its pending transfer in {field:?}")]
    PendingTransferHasDifferent { field: Field },
    /// The post asks for more than the pending transfer reserved.
    #[error("amount exceeds the pending transfer's amount")]
    ExceedsPendingTransferAmount,
    /// The pending transfer was already posted.
    #[error("pending transfer already posted")]
    PendingTransferAlreadyPosted,
    /// The pending transfer was already voided.
    #[error("pending transfer already voided")]
    PendingTransferAlreadyVoided,
    /// The pending transfer's timeout passed; its amount was released.
    #[error("pending transfer expired")]
    PendingTransferExpired,
    /// A running total would exceed `MAX_TOTAL`.
    #[error("an account total would overflow")]
    Overflows,
    /// The debit account has `debits_must_not_exceed_credits` and not enough credits.
    #[error("exceeds the debit account's credits")]
    ExceedsCredits,
    /// The credit account has `credits_must_not_exceed_debits` and not enough debits.
    #[error("exceeds the credit account's debits")]
    ExceedsDebits,
}

impl TransferError {
    /// The stable code of this error (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            TransferError::LinkedEventFailed => "linked_event_failed",
            TransferError::LinkedEventChainOpen => "linked_event_chain_open",
            TransferError::IdReserved => "id_reserved",
            TransferError::FlagsAreMutuallyExclusive => "flags_are_mutually_exclusive",
            TransferError::ExistsWithDifferent { .. } => "exists_with_different",
            TransferError::PendingIdRequired => "pending_id_required",
            TransferError::PendingIdMustBeZero => "pending_id_must_be_zero",
            TransferError::PendingIdMustBeDifferent => "pending_id_must_be_different",
            TransferError::TimeoutReservedForPendingTransfer => "timeout_reserved_for_pending_transfer",
            TransferError::LedgerMustNotBeZero => "ledger_must_not_be_zero",
            TransferError::CodeMustNotBeZero => "code_must_not_be_zero",
            TransferError::AmountMustNotBeZero => "amount_must_not_be_zero",
            TransferError::AccountsMustBeDifferent => "accounts_must_be_different",
            TransferError::DebitAccountNotFound => "debit_account_not_found",
            TransferError::CreditAccountNotFound => "credit_account_not_found",
            TransferError::AccountsMustHaveTheSameLedger => "accounts_must_have_the_same_ledger",
            TransferError::TransferMustHaveTheSameLedgerAsAccounts => "transfer_must_have_the_same_ledger_as_accounts",
            TransferError::PendingTransferNotFound => "pending_transfer_not_found",
            TransferError::PendingTransferNotPending => "pending_transfer_not_pending",
            TransferError::PendingTransferHasDifferent { .. } => "pending_transfer_has_different",
            TransferError::ExceedsPendingTransferAmount => "exceeds_pending_transfer_amount",
            TransferError::PendingTransferAlreadyPosted => "pending_transfer_already_posted",
            TransferError::PendingTransferAlreadyVoided => "pending_transfer_already_voided",
            TransferError::PendingTransferExpired => "pending_transfer_expired",
            TransferError::Overflows => "overflows",
            TransferError::ExceedsCredits => "exceeds_credits",
            TransferError::ExceedsDebits => "exceeds_debits",
        }
    }
}

/// The answer for each account of a `create_accounts` batch, in batch order.
pub type AccountResults = Vec<Result<Created, AccountError>>;
/// The answer for each transfer of a `create_transfers` batch, in batch order.
pub type TransferResults = Vec<Result<Created, TransferError>>;

/// A points ledger. The storage adapters implement it; `MemoryLedger` is the reference.
///
/// Contract, for every implementation (the store's test suite checks it against `MemoryLedger`):
/// - a batch is applied in order; each linked chain is all-or-nothing; the answers come back in batch order;
/// - a transfer id is applied at most once, ever; resubmitting it answers `Exists` or `ExistsWithDifferent`;
/// - before a batch is applied, pending transfers whose timeout has passed at `now` are released;
/// - after every batch, the sum of all debits equals the sum of all credits, posted and pending separately;
/// - `Err(Self::Error)` means the storage failed and nothing of the batch was applied.
pub trait Ledger {
    /// A storage failure (never a rejected transfer: those are `TransferError`s in the results).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Creates accounts; each is independent.
    fn create_accounts(
        &mut self,
        accounts: &[NewAccount],
        now: Timestamp,
    ) -> impl Future<Output = Result<AccountResults, Self::Error>> + Send;

    /// Applies a batch of transfers at `now`.
    fn create_transfers(
        &mut self,
        transfers: &[NewTransfer],
        now: Timestamp,
    ) -> impl Future<Output = Result<TransferResults, Self::Error>> + Send;

    /// The accounts that exist among `ids`, in the order of `ids`.
    fn lookup_accounts(&self, ids: &[AccountId]) -> impl Future<Output = Result<Vec<Account>, Self::Error>> + Send;

    /// The transfers that exist among `ids`, in the order of `ids`.
    fn lookup_transfers(&self, ids: &[TransferId]) -> impl Future<Output = Result<Vec<Transfer>, Self::Error>> + Send;

    /// Every transfer that debits or credits `account_id`, oldest first.
    fn account_transfers(
        &self,
        account_id: AccountId,
    ) -> impl Future<Output = Result<Vec<Transfer>, Self::Error>> + Send;

    /// The status of a pending transfer as of `now` (a pending transfer past its timeout reads `Expired` even before
    /// the next batch releases it); `None` if `pending_id` is not a pending transfer.
    fn pending_status(
        &self,
        pending_id: TransferId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<PendingStatus>, Self::Error>> + Send;
}

/// The in-memory reference ledger, and a helper to drive its always-ready futures.
pub mod memory {
    use super::*;

    /// Runs a future that never waits (every `MemoryLedger` future, and domain code generic over `Ledger` run on
    /// it) to completion without an executor.
    ///
    /// # Panics
    /// If the future is not ready on its first poll (a real I/O future).
    pub fn ready<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("memory::ready: the future waited for I/O"),
        }
    }

    #[derive(Clone, Debug)]
    struct Stored {
        submitted: NewTransfer,
        transfer: Transfer,
    }

    /// One step to take back when a linked chain fails.
    #[derive(Clone, Debug)]
    enum Undo {
        Account(Account),
        Inserted(TransferId),
        Pending(TransferId, PendingStatus),
    }

    /// The ledger in memory: the executable specification of `Ledger`.
    #[derive(Clone, Debug, Default)]
    pub struct MemoryLedger {
        accounts: BTreeMap<AccountId, Account>,
        transfers: BTreeMap<TransferId, Stored>,
        /// Transfer ids per account, oldest first.
        by_account: BTreeMap<AccountId, Vec<TransferId>>,
        pending: BTreeMap<TransferId, PendingStatus>,
        /// Pending transfers with a timeout that are still pending, by the instant they expire.
        timeouts: BTreeSet<(Timestamp, TransferId)>,
        last_timestamp: Option<Timestamp>,
        totals: Totals,
    }

    /// Ledger-wide sums, kept as transfers apply and checked against the accounts after every batch.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    struct Totals {
        debits_posted: Amount,
        credits_posted: Amount,
        debits_pending: Amount,
        credits_pending: Amount,
    }

    impl MemoryLedger {
        pub fn new() -> Self {
            Self::default()
        }

        /// Every account, by id.
        pub fn accounts(&self) -> impl Iterator<Item = &Account> {
            self.accounts.values()
        }

        /// Every transfer, oldest first.
        pub fn transfers(&self) -> Vec<Transfer> {
            let mut all: Vec<Transfer> = self.transfers.values().map(|stored| stored.transfer).collect();
            all.sort_by_key(|transfer| transfer.timestamp);
            all
        }

        /// Checks every invariant from scratch (the batch path checks the running sums; this recomputes them).
        ///
        /// # Panics
        /// If an invariant does not hold: that is a bug in the ledger, never bad input.
        pub fn assert_invariants(&self) {
            let mut sums = Totals::default();
            for account in self.accounts.values() {
                sums.debits_posted += account.debits_posted;
                sums.credits_posted += account.credits_posted;
                sums.debits_pending += account.debits_pending;
                sums.credits_pending += account.credits_pending;
                if account.flags.debits_must_not_exceed_credits {
                    assert!(account.debits_posted + account.debits_pending <= account.credits_posted);
                }
                if account.flags.credits_must_not_exceed_debits {
                    assert!(account.credits_posted + account.credits_pending <= account.debits_posted);
                }
            }
            assert_eq!(sums, self.totals, "running totals equal the accounts' sums");
            assert_eq!(sums.debits_posted, sums.credits_posted, "posted debits equal posted credits");
            assert_eq!(sums.debits_pending, sums.credits_pending, "pending debits equal pending credits");
            let mut pending_live: Amount = 0;
            for (id, status) in &self.pending {
                if *status == PendingStatus::Pending {
                    pending_live += self.transfers[id].transfer.amount;
                }
            }
            assert_eq!(pending_live, sums.debits_pending, "pending totals equal the live pending transfers");
        }

        fn next_timestamp(&mut self, now: Timestamp) -> Timestamp {
            let timestamp = match self.last_timestamp {
                Some(last) if now <= last => last + SignedDuration::from_nanos(1),
                _ => now,
            };
            self.last_timestamp = Some(timestamp);
            timestamp
        }

        fn expire_pending(&mut self, now: Timestamp) {
            while let Some(&(expires_at, id)) = self.timeouts.first() {
                if expires_at > now {
                    break;
                }
                self.timeouts.pop_first();
                let transfer = self.transfers[&id].transfer;
                self.release_pending(&transfer);
                self.pending.insert(id, PendingStatus::Expired);
            }
        }

        fn release_pending(&mut self, pending: &Transfer) {
            let debit = self.accounts.get_mut(&pending.debit_account_id).expect("pending debit account exists");
            debit.debits_pending -= pending.amount;
            let credit = self.accounts.get_mut(&pending.credit_account_id).expect("pending credit account exists");
            credit.credits_pending -= pending.amount;
            self.totals.debits_pending -= pending.amount;
            self.totals.credits_pending -= pending.amount;
        }

        fn create_account(&mut self, new: &NewAccount, now: Timestamp) -> Result<Created, AccountError> {
            if new.id == 0 || new.id == u128::MAX {
                return Err(AccountError::IdReserved);
            }
            if new.flags.debits_must_not_exceed_credits && new.flags.credits_must_not_exceed_debits {
                return Err(AccountError::FlagsAreMutuallyExclusive);
            }
            if new.ledger == 0 {
                return Err(AccountError::LedgerMustNotBeZero);
            }
            if new.code == 0 {
                return Err(AccountError::CodeMustNotBeZero);
            }
            if let Some(existing) = self.accounts.get(&new.id) {
                let field = if existing.flags != new.flags {
                    Some(Field::Flags)
                } else if existing.user_data_128 != new.user_data_128 {
                    Some(Field::UserData128)
                } else if existing.user_data_64 != new.user_data_64 {
                    Some(Field::UserData64)
                } else if existing.user_data_32 != new.user_data_32 {
                    Some(Field::UserData32)
                } else if existing.ledger != new.ledger {
                    Some(Field::Ledger)
                } else if existing.code != new.code {
                    Some(Field::Code)
                } else {
                    None
                };
                return match field {
                    Some(field) => Err(AccountError::ExistsWithDifferent { field }),
                    None => Ok(Created::Exists),
                };
            }
            let timestamp = self.next_timestamp(now);
            self.accounts.insert(
                new.id,
                Account {
                    id: new.id,
                    ledger: new.ledger,
                    code: new.code,
                    flags: new.flags,
                    user_data_128: new.user_data_128,
                    user_data_64: new.user_data_64,
                    user_data_32: new.user_data_32,
                    debits_pending: 0,
                    debits_posted: 0,
                    credits_pending: 0,
                    credits_posted: 0,
                    timestamp,
                },
            );
            Ok(Created::Created)
        }

        /// Applies one transfer, recording what to undo if its chain fails.
        fn apply(&mut self, new: &NewTransfer, now: Timestamp, undo: &mut Vec<Undo>) -> Result<Created, TransferError> {
            use TransferError as E;
            if new.id == 0 || new.id == u128::MAX {
                return Err(E::IdReserved);
            }
            let flags = new.flags;
            let modes = [flags.pending, flags.post_pending_transfer, flags.void_pending_transfer];
            if modes.iter().filter(|set| **set).count() > 1 {
                return Err(E::FlagsAreMutuallyExclusive);
            }
            if let Some(stored) = self.transfers.get(&new.id) {
                return match first_difference(&stored.submitted, new) {
                    Some(field) => Err(E::ExistsWithDifferent { field }),
                    None => Ok(Created::Exists),
                };
            }
            let resolving = flags.post_pending_transfer || flags.void_pending_transfer;
            if resolving { self.apply_resolution(new, now, undo) } else { self.apply_single(new, now, undo) }
        }

        fn apply_single(
            &mut self,
            new: &NewTransfer,
            now: Timestamp,
            undo: &mut Vec<Undo>,
        ) -> Result<Created, TransferError> {
            use TransferError as E;
            if new.pending_id != 0 {
                return Err(E::PendingIdMustBeZero);
            }
            if new.timeout_seconds != 0 && !new.flags.pending {
                return Err(E::TimeoutReservedForPendingTransfer);
            }
            if new.ledger == 0 {
                return Err(E::LedgerMustNotBeZero);
            }
            if new.code == 0 {
                return Err(E::CodeMustNotBeZero);
            }
            if new.amount == 0 {
                return Err(E::AmountMustNotBeZero);
            }
            if new.debit_account_id == new.credit_account_id {
                return Err(E::AccountsMustBeDifferent);
            }
            let debit = *self.accounts.get(&new.debit_account_id).ok_or(E::DebitAccountNotFound)?;
            let credit = *self.accounts.get(&new.credit_account_id).ok_or(E::CreditAccountNotFound)?;
            if debit.ledger != credit.ledger {
                return Err(E::AccountsMustHaveTheSameLedger);
            }
            if new.ledger != debit.ledger {
                return Err(E::TransferMustHaveTheSameLedgerAsAccounts);
            }
            let amount = new.amount;
            let within = |total: Amount| total.checked_add(amount).filter(|sum| *sum <= MAX_TOTAL);
            let (debit_total, credit_total) = if new.flags.pending {
                (debit.debits_pending, credit.credits_pending)
            } else {
                (debit.debits_posted, credit.credits_posted)
            };
            let ledger_totals = if new.flags.pending { self.totals.debits_pending } else { self.totals.debits_posted };
            if within(debit_total).is_none() || within(credit_total).is_none() || within(ledger_totals).is_none() {
                return Err(E::Overflows);
            }
            if debit.flags.debits_must_not_exceed_credits
                && debit.debits_posted + debit.debits_pending + amount > debit.credits_posted
            {
                return Err(E::ExceedsCredits);
            }
            if credit.flags.credits_must_not_exceed_debits
                && credit.credits_posted + credit.credits_pending + amount > credit.debits_posted
            {
                return Err(E::ExceedsDebits);
            }

            undo.push(Undo::Account(debit));
            undo.push(Undo::Account(credit));
            let timestamp = self.next_timestamp(now);
            {
                let debit = self.accounts.get_mut(&new.debit_account_id).expect("checked above");
                if new.flags.pending {
                    debit.debits_pending += amount;
                } else {
                    debit.debits_posted += amount;
                }
            }
            {
                let credit = self.accounts.get_mut(&new.credit_account_id).expect("checked above");
                if new.flags.pending {
                    credit.credits_pending += amount;
                } else {
                    credit.credits_posted += amount;
                }
            }
            if new.flags.pending {
                self.totals.debits_pending += amount;
                self.totals.credits_pending += amount;
                self.pending.insert(new.id, PendingStatus::Pending);
                if new.timeout_seconds != 0 {
                    let expires_at = timestamp + SignedDuration::from_secs(i64::from(new.timeout_seconds));
                    self.timeouts.insert((expires_at, new.id));
                }
            } else {
                self.totals.debits_posted += amount;
                self.totals.credits_posted += amount;
            }
            let transfer = Transfer {
                id: new.id,
                debit_account_id: new.debit_account_id,
                credit_account_id: new.credit_account_id,
                amount,
                pending_id: 0,
                user_data_128: new.user_data_128,
                user_data_64: new.user_data_64,
                user_data_32: new.user_data_32,
                timeout_seconds: new.timeout_seconds,
                ledger: new.ledger,
                code: new.code,
                flags: new.flags,
                timestamp,
            };
            self.insert(*new, transfer, undo);
            Ok(Created::Created)
        }

        fn apply_resolution(
            &mut self,
            new: &NewTransfer,
            now: Timestamp,
            undo: &mut Vec<Undo>,
        ) -> Result<Created, TransferError> {
            use TransferError as E;
            if new.pending_id == 0 {
                return Err(E::PendingIdRequired);
            }
            if new.pending_id == new.id {
                return Err(E::PendingIdMustBeDifferent);
            }
            if new.timeout_seconds != 0 {
                return Err(E::TimeoutReservedForPendingTransfer);
            }
            let pending = self.transfers.get(&new.pending_id).ok_or(E::PendingTransferNotFound)?.transfer;
            if !pending.flags.pending {
                return Err(E::PendingTransferNotPending);
            }
            let differs = |given: u128, stored: u128| given != 0 && given != stored;
            if differs(new.debit_account_id, pending.debit_account_id) {
                return Err(E::PendingTransferHasDifferent { field: Field::DebitAccountId });
            }
            if differs(new.credit_account_id, pending.credit_account_id) {
                return Err(E::PendingTransferHasDifferent { field: Field::CreditAccountId });
            }
            if differs(u128::from(new.ledger), u128::from(pending.ledger)) {
                return Err(E::PendingTransferHasDifferent { field: Field::Ledger });
            }
            if differs(u128::from(new.code), u128::from(pending.code)) {
                return Err(E::PendingTransferHasDifferent { field: Field::Code });
            }
            let amount = if new.flags.post_pending_transfer {
                if new.amount > pending.amount {
                    return Err(E::ExceedsPendingTransferAmount);
                }
                if new.amount == 0 { pending.amount } else { new.amount }
            } else {
                if new.amount != 0 && new.amount != pending.amount {
                    return Err(E::PendingTransferHasDifferent { field: Field::Amount });
                }
                pending.amount
            };
            match self.pending[&new.pending_id] {
                PendingStatus::Pending => {}
                PendingStatus::Posted => return Err(E::PendingTransferAlreadyPosted),
                PendingStatus::Voided => return Err(E::PendingTransferAlreadyVoided),
                PendingStatus::Expired => return Err(E::PendingTransferExpired),
            }

            let debit = self.accounts[&pending.debit_account_id];
            let credit = self.accounts[&pending.credit_account_id];
            undo.push(Undo::Account(debit));
            undo.push(Undo::Account(credit));
            undo.push(Undo::Pending(new.pending_id, PendingStatus::Pending));
            self.release_pending(&pending);
            if pending.timeout_seconds != 0 {
                let expires_at = pending.timestamp + SignedDuration::from_secs(i64::from(pending.timeout_seconds));
                self.timeouts.remove(&(expires_at, pending.id));
            }
            if new.flags.post_pending_transfer {
                // Posting never breaks a balance flag: the whole pending amount was counted when it was reserved.
                self.accounts.get_mut(&pending.debit_account_id).expect("exists").debits_posted += amount;
                self.accounts.get_mut(&pending.credit_account_id).expect("exists").credits_posted += amount;
                self.totals.debits_posted += amount;
                self.totals.credits_posted += amount;
                self.pending.insert(new.pending_id, PendingStatus::Posted);
            } else {
                self.pending.insert(new.pending_id, PendingStatus::Voided);
            }
            let timestamp = self.next_timestamp(now);
            let transfer = Transfer {
                id: new.id,
                debit_account_id: pending.debit_account_id,
                credit_account_id: pending.credit_account_id,
                amount,
                pending_id: new.pending_id,
                user_data_128: new.user_data_128,
                user_data_64: new.user_data_64,
                user_data_32: new.user_data_32,
                timeout_seconds: 0,
                ledger: pending.ledger,
                code: pending.code,
                flags: new.flags,
                timestamp,
            };
            self.insert(*new, transfer, undo);
            Ok(Created::Created)
        }

        fn insert(&mut self, submitted: NewTransfer, transfer: Transfer, undo: &mut Vec<Undo>) {
            self.transfers.insert(transfer.id, Stored { submitted, transfer });
            self.by_account.entry(transfer.debit_account_id).or_default().push(transfer.id);
            self.by_account.entry(transfer.credit_account_id).or_default().push(transfer.id);
            undo.push(Undo::Inserted(transfer.id));
        }

        fn rollback(&mut self, undo: &mut Vec<Undo>) {
            while let Some(step) = undo.pop() {
                match step {
                    Undo::Account(account) => {
                        let current = self.accounts.insert(account.id, account).expect("undone account exists");
                        self.totals.debits_posted =
                            self.totals.debits_posted - current.debits_posted + account.debits_posted;
                        self.totals.credits_posted =
                            self.totals.credits_posted - current.credits_posted + account.credits_posted;
                        self.totals.debits_pending =
                            self.totals.debits_pending - current.debits_pending + account.debits_pending;
                        self.totals.credits_pending =
                            self.totals.credits_pending - current.credits_pending + account.credits_pending;
                    }
                    Undo::Inserted(id) => {
                        let stored = self.transfers.remove(&id).expect("undone transfer exists");
                        let transfer = stored.transfer;
                        for account_id in [transfer.debit_account_id, transfer.credit_account_id] {
                            let popped = self.by_account.get_mut(&account_id).and_then(Vec::pop);
                            assert_eq!(popped, Some(id), "undo runs in reverse order");
                        }
                        if transfer.flags.pending {
                            self.pending.remove(&id);
                            if transfer.timeout_seconds != 0 {
                                let expires_at =
                                    transfer.timestamp + SignedDuration::from_secs(i64::from(transfer.timeout_seconds));
                                self.timeouts.remove(&(expires_at, id));
                            }
                        }
                    }
                    Undo::Pending(id, status) => {
                        self.pending.insert(id, status);
                        let pending = self.transfers[&id].transfer;
                        if pending.timeout_seconds != 0 {
                            let expires_at =
                                pending.timestamp + SignedDuration::from_secs(i64::from(pending.timeout_seconds));
                            self.timeouts.insert((expires_at, id));
                        }
                    }
                }
            }
        }

        fn create_transfers_now(&mut self, batch: &[NewTransfer], now: Timestamp) -> TransferResults {
            self.expire_pending(now);
            let mut results: TransferResults = Vec::with_capacity(batch.len());
            let mut undo = Vec::new();
            let mut chain_start: Option<usize> = None;
            let mut chain_failed = false;
            for (index, new) in batch.iter().enumerate() {
                let linked = new.flags.linked;
                if linked && chain_start.is_none() {
                    chain_start = Some(index);
                    chain_failed = false;
                    undo.clear();
                }
                let result = if chain_failed {
                    Err(TransferError::LinkedEventFailed)
                } else if linked && index + 1 == batch.len() {
                    Err(TransferError::LinkedEventChainOpen)
                } else {
                    self.apply(new, now, &mut undo)
                };
                match chain_start {
                    Some(start) => {
                        if let Err(error) = result
                            && !chain_failed
                        {
                            self.rollback(&mut undo);
                            chain_failed = true;
                            for earlier in &mut results[start..index] {
                                *earlier = Err(TransferError::LinkedEventFailed);
                            }
                            results.push(Err(error));
                        } else {
                            results.push(result);
                        }
                        if !linked {
                            chain_start = None;
                            chain_failed = false;
                            undo.clear();
                        }
                    }
                    None => {
                        undo.clear();
                        results.push(result);
                    }
                }
            }
            // Asserted after every batch, as TigerBeetle does: a failure here is a bug in this code, not bad input.
            assert_eq!(self.totals.debits_posted, self.totals.credits_posted, "posted debits equal posted credits");
            assert_eq!(self.totals.debits_pending, self.totals.credits_pending, "pending debits equal credits");
            results
        }

        fn status_at(&self, pending_id: TransferId, now: Timestamp) -> Option<PendingStatus> {
            let status = *self.pending.get(&pending_id)?;
            if status == PendingStatus::Pending {
                let pending = self.transfers[&pending_id].transfer;
                if pending.timeout_seconds != 0
                    && pending.timestamp + SignedDuration::from_secs(i64::from(pending.timeout_seconds)) <= now
                {
                    return Some(PendingStatus::Expired);
                }
            }
            Some(status)
        }
    }

    fn first_difference(stored: &NewTransfer, new: &NewTransfer) -> Option<Field> {
        if stored.flags != new.flags {
            Some(Field::Flags)
        } else if stored.pending_id != new.pending_id {
            Some(Field::PendingId)
        } else if stored.timeout_seconds != new.timeout_seconds {
            Some(Field::Timeout)
        } else if stored.debit_account_id != new.debit_account_id {
            Some(Field::DebitAccountId)
        } else if stored.credit_account_id != new.credit_account_id {
            Some(Field::CreditAccountId)
        } else if stored.amount != new.amount {
            Some(Field::Amount)
        } else if stored.user_data_128 != new.user_data_128 {
            Some(Field::UserData128)
        } else if stored.user_data_64 != new.user_data_64 {
            Some(Field::UserData64)
        } else if stored.user_data_32 != new.user_data_32 {
            Some(Field::UserData32)
        } else if stored.ledger != new.ledger {
            Some(Field::Ledger)
        } else if stored.code != new.code {
            Some(Field::Code)
        } else {
            None
        }
    }

    impl Ledger for MemoryLedger {
        type Error = std::convert::Infallible;

        async fn create_accounts(
            &mut self,
            accounts: &[NewAccount],
            now: Timestamp,
        ) -> Result<AccountResults, Self::Error> {
            Ok(accounts.iter().map(|account| self.create_account(account, now)).collect())
        }

        async fn create_transfers(
            &mut self,
            transfers: &[NewTransfer],
            now: Timestamp,
        ) -> Result<TransferResults, Self::Error> {
            Ok(self.create_transfers_now(transfers, now))
        }

        async fn lookup_accounts(&self, ids: &[AccountId]) -> Result<Vec<Account>, Self::Error> {
            Ok(ids.iter().filter_map(|id| self.accounts.get(id).copied()).collect())
        }

        async fn lookup_transfers(&self, ids: &[TransferId]) -> Result<Vec<Transfer>, Self::Error> {
            Ok(ids.iter().filter_map(|id| self.transfers.get(id).map(|stored| stored.transfer)).collect())
        }

        async fn account_transfers(&self, account_id: AccountId) -> Result<Vec<Transfer>, Self::Error> {
            Ok(self
                .by_account
                .get(&account_id)
                .map(|ids| ids.iter().map(|id| self.transfers[id].transfer).collect())
                .unwrap_or_default())
        }

        async fn pending_status(
            &self,
            pending_id: TransferId,
            now: Timestamp,
        ) -> Result<Option<PendingStatus>, Self::Error> {
            Ok(self.status_at(pending_id, now))
        }
    }
}
