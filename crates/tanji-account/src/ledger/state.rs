//! The one implementation of the ledger's rules: a batch applied to the state it touches.
//!
//! `LedgerState` holds accounts, transfers (as submitted and as applied), the status of pending transfers, the
//! pending timeouts, the ledger-wide running totals and the last timestamp. `MemoryLedger` keeps a complete state
//! for its whole life; a storage adapter loads, for each batch, only the part the batch can touch (see
//! [`referenced`]: the accounts and transfers it names, the pending transfers it resolves and those whose timeout
//! has passed, with their accounts), calls the same [`LedgerState::create_transfers`], and writes back what the
//! returned [`BatchEffects`] name, in one transaction. So the domain decides — validation, flags, linked chains,
//! idempotent ids, expiry — and the adapters only move rows.
//!
//! A partial state gives the same answers as a complete one as long as it holds everything `referenced` names: no
//! rule reads an account or transfer that the batch does not name, except the totals (kept ledger-wide by the
//! adapter in one row) and the timeouts that are due (loaded by the adapter with an index on the expiry instant).

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use super::{
    Account, AccountError, AccountId, AccountResults, Amount, Created, Field, MAX_TOTAL, NewAccount, NewTransfer,
    PendingStatus, Transfer, TransferError, TransferId, TransferResults,
};

/// A transfer as the ledger keeps it: what the client submitted (to answer a resubmission of the same id) and what
/// was applied (for a post or void, the fields filled in from its pending transfer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredTransfer {
    pub submitted: NewTransfer,
    pub transfer: Transfer,
}

/// Ledger-wide sums of the accounts' running totals, kept as transfers apply; debits equal credits after every
/// batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LedgerTotals {
    pub debits_posted: Amount,
    pub credits_posted: Amount,
    pub debits_pending: Amount,
    pub credits_pending: Amount,
}

/// What a batch changed, for an adapter to write back. Each set may name more than changed (an account touched by a
/// chain that was then rolled back is named with its restored, unchanged totals); writing it again is harmless.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchEffects {
    /// Accounts whose totals may have changed.
    pub accounts: BTreeSet<AccountId>,
    /// Transfers created, in the order they were applied (their timestamps increase).
    pub transfers: Vec<TransferId>,
    /// Pending transfers whose status may have changed (posted, voided, or expired by timeout).
    pub pending: BTreeSet<TransferId>,
}

/// The ids a batch of transfers names: the transfers (their own ids and the pending ids they post or void) and the
/// accounts. An adapter loads these, then the accounts of the pending transfers it found, and the pending transfers
/// whose timeout has passed at `now` with their accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Referenced {
    pub transfers: BTreeSet<TransferId>,
    pub accounts: BTreeSet<AccountId>,
}

/// The ids a batch names (see [`Referenced`]). Zero is never an id, so it is left out.
pub fn referenced(batch: &[NewTransfer]) -> Referenced {
    let mut referenced = Referenced::default();
    for transfer in batch {
        referenced.transfers.insert(transfer.id);
        for account in [transfer.debit_account_id, transfer.credit_account_id] {
            if account != 0 {
                referenced.accounts.insert(account);
            }
        }
        if transfer.pending_id != 0 {
            referenced.transfers.insert(transfer.pending_id);
        }
    }
    referenced
}

/// One step to take back when a linked chain fails.
#[derive(Clone, Debug)]
enum Undo {
    Account(Account),
    Inserted(TransferId),
    Pending(TransferId, PendingStatus),
}

/// The state a batch reads and writes; complete in `MemoryLedger`, the loaded part in a store.
#[derive(Clone, Debug, Default)]
pub struct LedgerState {
    pub accounts: BTreeMap<AccountId, Account>,
    pub transfers: BTreeMap<TransferId, StoredTransfer>,
    /// The status of every pending transfer held.
    pub pending: BTreeMap<TransferId, PendingStatus>,
    /// Pending transfers with a timeout that are still pending, by the instant they expire.
    pub timeouts: BTreeSet<(Timestamp, TransferId)>,
    /// The timestamp of the last account or transfer created; the next one is later.
    pub last_timestamp: Option<Timestamp>,
    pub totals: LedgerTotals,
}

/// When a pending transfer with a timeout expires; `None` if it has none.
pub fn expires_at(transfer: &Transfer) -> Option<Timestamp> {
    (transfer.flags.pending && transfer.timeout_seconds != 0)
        .then(|| transfer.timestamp + SignedDuration::from_secs(i64::from(transfer.timeout_seconds)))
}

impl LedgerState {
    /// Adds a stored transfer to the state (an adapter loading what a batch needs). A pending transfer's status
    /// is given; its timeout, if it is still pending, is registered.
    pub fn load_transfer(&mut self, stored: StoredTransfer, status: Option<PendingStatus>) {
        let transfer = stored.transfer;
        self.transfers.insert(transfer.id, stored);
        if let Some(status) = status {
            self.pending.insert(transfer.id, status);
            if status == PendingStatus::Pending
                && let Some(at) = expires_at(&transfer)
            {
                self.timeouts.insert((at, transfer.id));
            }
        }
    }

    fn next_timestamp(&mut self, now: Timestamp) -> Timestamp {
        let timestamp = match self.last_timestamp {
            Some(last) if now <= last => last + SignedDuration::from_nanos(1),
            _ => now,
        };
        self.last_timestamp = Some(timestamp);
        timestamp
    }

    fn expire_pending(&mut self, now: Timestamp, effects: &mut BatchEffects) {
        while let Some(&(expires_at, id)) = self.timeouts.first() {
            if expires_at > now {
                break;
            }
            self.timeouts.pop_first();
            let transfer = self.transfers[&id].transfer;
            self.release_pending(&transfer);
            self.pending.insert(id, PendingStatus::Expired);
            effects.pending.insert(id);
            effects.accounts.insert(transfer.debit_account_id);
            effects.accounts.insert(transfer.credit_account_id);
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

    /// Creates accounts; each is independent. Returns the answers and the ids of the accounts created.
    pub fn create_accounts(&mut self, batch: &[NewAccount], now: Timestamp) -> (AccountResults, Vec<AccountId>) {
        let mut created = Vec::new();
        let results = batch
            .iter()
            .map(|account| {
                let result = self.create_account(account, now);
                if result == Ok(Created::Created) {
                    created.push(account.id);
                }
                result
            })
            .collect();
        (results, created)
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
    fn apply(
        &mut self,
        new: &NewTransfer,
        now: Timestamp,
        undo: &mut Vec<Undo>,
        effects: &mut BatchEffects,
    ) -> Result<Created, TransferError> {
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
        if resolving {
            self.apply_resolution(new, now, undo, effects)
        } else {
            self.apply_single(new, now, undo, effects)
        }
    }

    fn apply_single(
        &mut self,
        new: &NewTransfer,
        now: Timestamp,
        undo: &mut Vec<Undo>,
        effects: &mut BatchEffects,
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
        effects.accounts.insert(debit.id);
        effects.accounts.insert(credit.id);
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
        self.insert(*new, transfer, undo, effects);
        if new.flags.pending {
            self.pending.insert(new.id, PendingStatus::Pending);
            if let Some(at) = expires_at(&transfer) {
                self.timeouts.insert((at, new.id));
            }
        }
        Ok(Created::Created)
    }

    fn apply_resolution(
        &mut self,
        new: &NewTransfer,
        now: Timestamp,
        undo: &mut Vec<Undo>,
        effects: &mut BatchEffects,
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
        effects.accounts.insert(debit.id);
        effects.accounts.insert(credit.id);
        effects.pending.insert(new.pending_id);
        self.release_pending(&pending);
        if let Some(at) = expires_at(&pending) {
            self.timeouts.remove(&(at, pending.id));
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
        self.insert(*new, transfer, undo, effects);
        Ok(Created::Created)
    }

    fn insert(&mut self, submitted: NewTransfer, transfer: Transfer, undo: &mut Vec<Undo>, effects: &mut BatchEffects) {
        self.transfers.insert(transfer.id, StoredTransfer { submitted, transfer });
        effects.transfers.push(transfer.id);
        undo.push(Undo::Inserted(transfer.id));
    }

    fn rollback(&mut self, undo: &mut Vec<Undo>, effects: &mut BatchEffects) {
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
                    assert_eq!(effects.transfers.pop(), Some(id), "undo runs in reverse order");
                    let transfer = stored.transfer;
                    if transfer.flags.pending {
                        self.pending.remove(&id);
                        if let Some(at) = expires_at(&transfer) {
                            self.timeouts.remove(&(at, id));
                        }
                    }
                }
                Undo::Pending(id, status) => {
                    self.pending.insert(id, status);
                    let pending = self.transfers[&id].transfer;
                    if let Some(at) = expires_at(&pending) {
                        self.timeouts.insert((at, id));
                    }
                }
            }
        }
    }

    /// Applies a batch of transfers at `now`: first releases the pending transfers whose timeout has passed, then
    /// applies the transfers in order, each linked chain all or nothing. Returns each transfer's answer, in batch
    /// order, and what changed.
    ///
    /// # Panics
    /// If, after the batch, the ledger-wide debits do not equal the credits (posted and pending): a bug in this code,
    /// never bad input. Asserted after every batch, as TigerBeetle does.
    pub fn create_transfers(&mut self, batch: &[NewTransfer], now: Timestamp) -> (TransferResults, BatchEffects) {
        let mut effects = BatchEffects::default();
        self.expire_pending(now, &mut effects);
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
                self.apply(new, now, &mut undo, &mut effects)
            };
            match chain_start {
                Some(start) => {
                    if let Err(error) = result
                        && !chain_failed
                    {
                        self.rollback(&mut undo, &mut effects);
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
        self.assert_balanced();
        (results, effects)
    }

    /// Asserts that the ledger-wide debits equal the credits, posted and pending.
    ///
    /// # Panics
    /// If they differ: a bug, never bad input.
    pub fn assert_balanced(&self) {
        assert_eq!(self.totals.debits_posted, self.totals.credits_posted, "posted debits equal posted credits");
        assert_eq!(self.totals.debits_pending, self.totals.credits_pending, "pending debits equal credits");
    }

    /// The status of a pending transfer held in the state, as of `now`.
    pub fn status_at(&self, pending_id: TransferId, now: Timestamp) -> Option<PendingStatus> {
        let status = *self.pending.get(&pending_id)?;
        if status == PendingStatus::Pending
            && let Some(at) = expires_at(&self.transfers[&pending_id].transfer)
            && at <= now
        {
            return Some(PendingStatus::Expired);
        }
        Some(status)
    }

    /// Checks every invariant of a complete state from scratch (the batch path checks the running sums; this
    /// recomputes them from the accounts).
    ///
    /// # Panics
    /// If an invariant does not hold: that is a bug in the ledger, never bad input.
    pub fn assert_invariants(&self) {
        let mut sums = LedgerTotals::default();
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
}

/// The first field in which a resubmitted transfer differs from the stored submission, in TigerBeetle's order.
pub fn first_difference(stored: &NewTransfer, new: &NewTransfer) -> Option<Field> {
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

/// Every account's running totals recomputed from the transfers' history alone, in any order: an independent check
/// of the totals a ledger keeps (`tanji bench ledger` and the stores' checks use it).
///
/// A posted transfer adds to the posted totals of both sides; a pending transfer adds to the pending totals while it
/// is still pending (once posted, voided or expired it holds nothing); a post adds its amount to the posted totals;
/// a void moves nothing.
#[derive(Clone, Debug, Default)]
pub struct HistoryReplay {
    /// Per account: debits posted, credits posted, debits pending, credits pending.
    totals: BTreeMap<AccountId, [Amount; 4]>,
}

impl HistoryReplay {
    /// Adds one stored transfer with its pending status (`None` unless it is a pending transfer).
    pub fn add(&mut self, transfer: &Transfer, status: Option<PendingStatus>) {
        let flags = transfer.flags;
        let (debit_index, credit_index) = if flags.pending {
            if status != Some(PendingStatus::Pending) {
                return;
            }
            (2, 3)
        } else if flags.void_pending_transfer {
            return;
        } else {
            (0, 1)
        };
        self.totals.entry(transfer.debit_account_id).or_default()[debit_index] += transfer.amount;
        self.totals.entry(transfer.credit_account_id).or_default()[credit_index] += transfer.amount;
    }

    /// An account's replayed totals: debits posted, credits posted, debits pending, credits pending.
    pub fn totals(&self, account_id: AccountId) -> [Amount; 4] {
        self.totals.get(&account_id).copied().unwrap_or_default()
    }
}
