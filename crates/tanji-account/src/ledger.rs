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
//! stores' tests compare against. Both decide with the same pure code, `state::LedgerState`: a batch applied to the
//! state it touches.
//!
//! Mapping to the TigerBeetle client, for the adapter that will use it: `create_accounts`/`create_transfers` and
//! `lookup_accounts`/`lookup_transfers` are TigerBeetle's operations of the same names; `account_transfers` is
//! `get_account_transfers` (debits and credits, ascending, paged); `pending_status` is a lookup of the pending
//! transfer plus a query for a post or void naming it. Differences the adapter translates: TigerBeetle takes time
//! from its cluster, not from `now`; its recent versions accept zero amounts, which tanji refuses
//! (`AmountMustNotBeZero`); a post of the whole pending amount is `amount = 0` here and `AMOUNT_MAX` from
//! TigerBeetle 0.16 on; `Exists` is its `exists` result and `ExistsWithDifferent { field }` its
//! `exists_with_different_*` results.

use std::future::Future;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub mod state;

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
    use std::collections::BTreeMap;

    use super::state::LedgerState;
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

    /// The ledger in memory: the executable specification of `Ledger`. Its rules are [`state::LedgerState`]'s,
    /// shared with the storage adapters; it keeps the whole state, and each account's transfers for
    /// `account_transfers`.
    #[derive(Clone, Debug, Default)]
    pub struct MemoryLedger {
        state: LedgerState,
        /// Transfer ids per account, oldest first.
        by_account: BTreeMap<AccountId, Vec<TransferId>>,
    }

    impl MemoryLedger {
        pub fn new() -> Self {
            Self::default()
        }

        /// Every account, by id.
        pub fn accounts(&self) -> impl Iterator<Item = &Account> {
            self.state.accounts.values()
        }

        /// Every transfer, oldest first.
        pub fn transfers(&self) -> Vec<Transfer> {
            let mut all: Vec<Transfer> = self.state.transfers.values().map(|stored| stored.transfer).collect();
            all.sort_by_key(|transfer| transfer.timestamp);
            all
        }

        /// Checks every invariant from scratch (the batch path checks the running sums; this recomputes them).
        ///
        /// # Panics
        /// If an invariant does not hold: that is a bug in the ledger, never bad input.
        pub fn assert_invariants(&self) {
            self.state.assert_invariants();
        }
    }

    impl Ledger for MemoryLedger {
        type Error = std::convert::Infallible;

        async fn create_accounts(
            &mut self,
            accounts: &[NewAccount],
            now: Timestamp,
        ) -> Result<AccountResults, Self::Error> {
            Ok(self.state.create_accounts(accounts, now).0)
        }

        async fn create_transfers(
            &mut self,
            transfers: &[NewTransfer],
            now: Timestamp,
        ) -> Result<TransferResults, Self::Error> {
            let (results, effects) = self.state.create_transfers(transfers, now);
            for id in effects.transfers {
                let transfer = self.state.transfers[&id].transfer;
                self.by_account.entry(transfer.debit_account_id).or_default().push(id);
                self.by_account.entry(transfer.credit_account_id).or_default().push(id);
            }
            Ok(results)
        }

        async fn lookup_accounts(&self, ids: &[AccountId]) -> Result<Vec<Account>, Self::Error> {
            Ok(ids.iter().filter_map(|id| self.state.accounts.get(id).copied()).collect())
        }

        async fn lookup_transfers(&self, ids: &[TransferId]) -> Result<Vec<Transfer>, Self::Error> {
            Ok(ids.iter().filter_map(|id| self.state.transfers.get(id).map(|stored| stored.transfer)).collect())
        }

        async fn account_transfers(&self, account_id: AccountId) -> Result<Vec<Transfer>, Self::Error> {
            Ok(self
                .by_account
                .get(&account_id)
                .map(|ids| ids.iter().map(|id| self.state.transfers[id].transfer).collect())
                .unwrap_or_default())
        }

        async fn pending_status(
            &self,
            pending_id: TransferId,
            now: Timestamp,
        ) -> Result<Option<PendingStatus>, Self::Error> {
            Ok(self.state.status_at(pending_id, now))
        }
    }
}
