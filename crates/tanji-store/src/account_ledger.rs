//! The carbon points ledger on SQLite and PostgreSQL: `tanji_account::ledger::Ledger` over the tables of migration
//! 0015 (`points_ledgers`, `points_accounts`, `points_transfers`).
//!
//! The rules are the domain's, not this module's: for each batch the adapter loads what the batch can touch (the
//! accounts and transfers it names, the pending transfers it posts or voids and their accounts, the pending
//! transfers whose timeout has passed and their accounts, the ledger's running totals and last timestamp) into a
//! `tanji_account::ledger::state::LedgerState`, lets `LedgerState::create_transfers` decide — the same code
//! `MemoryLedger` runs — and writes what the returned `BatchEffects` name, all in one transaction: multi-row
//! inserts of the new transfers, one multi-row upsert of the touched accounts (one row write per account per batch,
//! whatever the number of its transfers), the changed pending statuses, and the ledger row. Durability is the
//! store's: SQLite in WAL mode with `synchronous = FULL` (the WAL is fsync'd at every commit), PostgreSQL's default
//! `synchronous_commit = on`.
//!
//! Tenancy: a ledger belongs to an operator organisation. [`Store::points_ledger`] opens the actor's own
//! organisation's ledger and nothing else; every query is confined to its key, so another tenant's accounts and
//! transfers read as not found (absent from lookups). Reads need `ViewPointsLedger`, changes `OperatePointsLedger`.
//!
//! Batches of one ledger are serialised: each starts by updating the ledger's row, which takes the row lock on
//! PostgreSQL and the write lock on SQLite (`BEGIN IMMEDIATE`), so two batches never decide on the same loaded state.
//!
//! Storage of 128-bit values (ids, user_data_128, amounts and totals): two BIGINTs, high and low 64 bits each
//! reinterpreted as signed (`split`/`join`); times as nanoseconds since the epoch. Migration 0015 says why.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row, Transaction};
use tanji_account::ledger::state::{self, LedgerState, LedgerTotals, StoredTransfer};
use tanji_account::ledger::{
    Account, AccountFlags, AccountId, AccountResults, Amount, Ledger, NewAccount, NewTransfer, PendingStatus, Transfer,
    TransferFlags, TransferId, TransferResults,
};
use tanji_tenancy::{Actor, Permission};

use crate::database::{Pools, time_to_db};
use crate::energy::Placeholders;
use crate::{Store, StoreError};

/// Ids per `IN (VALUES …)` lookup: two parameters each, well inside SQLite's 32,766 parameters per statement.
const IDS_PER_STATEMENT: usize = 4_000;
/// Rows per multi-row insert or upsert: 23 parameters a transfer row, 19 an account row.
const ROWS_PER_STATEMENT: usize = 1_000;
const _: () = assert!(ROWS_PER_STATEMENT * TRANSFER_COLUMNS.len() <= 32_766);

const ACCOUNT_COLUMNS: [&str; 19] = [
    "ledger_key",
    "id_hi",
    "id_lo",
    "ledger",
    "code",
    "flags",
    "user_data_128_hi",
    "user_data_128_lo",
    "user_data_64",
    "user_data_32",
    "debits_pending_hi",
    "debits_pending_lo",
    "debits_posted_hi",
    "debits_posted_lo",
    "credits_pending_hi",
    "credits_pending_lo",
    "credits_posted_hi",
    "credits_posted_lo",
    "timestamp_ns",
];

const TRANSFER_COLUMNS: [&str; 23] = [
    "ledger_key",
    "id_hi",
    "id_lo",
    "debit_account_id_hi",
    "debit_account_id_lo",
    "credit_account_id_hi",
    "credit_account_id_lo",
    "amount_hi",
    "amount_lo",
    "pending_id_hi",
    "pending_id_lo",
    "user_data_128_hi",
    "user_data_128_lo",
    "user_data_64",
    "user_data_32",
    "timeout_seconds",
    "ledger",
    "code",
    "flags",
    "timestamp_ns",
    "submitted_as_zero",
    "pending_status",
    "expires_at_ns",
];

const LEDGER_TOTAL_COLUMNS: &str = "debits_posted_hi, debits_posted_lo, credits_posted_hi, credits_posted_lo, \
     debits_pending_hi, debits_pending_lo, credits_pending_hi, credits_pending_lo, last_timestamp_ns";

/// The high and low 64 bits of a 128-bit value, each as the signed integer with the same bits.
fn split(value: u128) -> (i64, i64) {
    let high = (value >> 64) as u64;
    let low = value as u64;
    (high as i64, low as i64)
}

/// The 128-bit value `split` stored.
fn join(high: i64, low: i64) -> u128 {
    (u128::from(high as u64) << 64) | u128::from(low as u64)
}

fn nanoseconds(at: Timestamp) -> i64 {
    i64::try_from(at.as_nanosecond()).expect("ledger timestamps are before the year 2262")
}

fn timestamp(nanoseconds: i64) -> anyhow::Result<Timestamp> {
    Ok(Timestamp::from_nanosecond(i128::from(nanoseconds))?)
}

fn account_flags_bits(flags: AccountFlags) -> i64 {
    i64::from(flags.debits_must_not_exceed_credits) | (i64::from(flags.credits_must_not_exceed_debits) << 1)
}

fn account_flags(bits: i64) -> AccountFlags {
    AccountFlags { debits_must_not_exceed_credits: bits & 1 != 0, credits_must_not_exceed_debits: bits & 2 != 0 }
}

fn transfer_flags_bits(flags: TransferFlags) -> i64 {
    i64::from(flags.linked)
        | (i64::from(flags.pending) << 1)
        | (i64::from(flags.post_pending_transfer) << 2)
        | (i64::from(flags.void_pending_transfer) << 3)
}

fn transfer_flags(bits: i64) -> TransferFlags {
    TransferFlags {
        linked: bits & 1 != 0,
        pending: bits & 2 != 0,
        post_pending_transfer: bits & 4 != 0,
        void_pending_transfer: bits & 8 != 0,
    }
}

fn status_code(status: Option<PendingStatus>) -> i64 {
    match status {
        None => 0,
        Some(PendingStatus::Pending) => 1,
        Some(PendingStatus::Posted) => 2,
        Some(PendingStatus::Voided) => 3,
        Some(PendingStatus::Expired) => 4,
    }
}

fn status_of(code: i64) -> anyhow::Result<Option<PendingStatus>> {
    Ok(match code {
        0 => None,
        1 => Some(PendingStatus::Pending),
        2 => Some(PendingStatus::Posted),
        3 => Some(PendingStatus::Voided),
        4 => Some(PendingStatus::Expired),
        other => anyhow::bail!("points_transfers.pending_status holds {other}"),
    })
}

/// The fields a post or void was submitted with as zero (filled in from its pending transfer): bits 1 debit account,
/// 2 credit account, 4 amount, 8 ledger, 16 code.
fn submitted_as_zero(stored: &StoredTransfer) -> i64 {
    let (submitted, applied) = (&stored.submitted, &stored.transfer);
    let zero_of = |given: u128, filled: u128, bit: i64| {
        // A submitted field is either the applied value or zero (then filled in): the domain checks it.
        assert!(given == filled || given == 0, "a submitted field is zero or the applied value");
        if given == 0 && filled != 0 { bit } else { 0 }
    };
    zero_of(submitted.debit_account_id, applied.debit_account_id, 1)
        | zero_of(submitted.credit_account_id, applied.credit_account_id, 2)
        | zero_of(submitted.amount, applied.amount, 4)
        | zero_of(u128::from(submitted.ledger), u128::from(applied.ledger), 8)
        | zero_of(u128::from(submitted.code), u128::from(applied.code), 16)
}

fn narrow<T: TryFrom<i64>>(value: i64, column: &str) -> anyhow::Result<T> {
    T::try_from(value).map_err(|_| anyhow::anyhow!("points column {column} holds {value}, out of range"))
}

/// Reads the columns of `ACCOUNT_COLUMNS` after `ledger_key`, selected in that order.
fn account_from_row(row: &AnyRow) -> anyhow::Result<Account> {
    let column = |index: usize| -> anyhow::Result<i64> { Ok(row.try_get::<i64, _>(index)?) };
    Ok(Account {
        id: join(column(0)?, column(1)?),
        ledger: narrow(column(2)?, "ledger")?,
        code: narrow(column(3)?, "code")?,
        flags: account_flags(column(4)?),
        user_data_128: join(column(5)?, column(6)?),
        user_data_64: column(7)? as u64,
        user_data_32: narrow(column(8)?, "user_data_32")?,
        debits_pending: join(column(9)?, column(10)?),
        debits_posted: join(column(11)?, column(12)?),
        credits_pending: join(column(13)?, column(14)?),
        credits_posted: join(column(15)?, column(16)?),
        timestamp: timestamp(column(17)?)?,
    })
}

/// Reads the columns of `TRANSFER_COLUMNS` after `ledger_key`, selected in that order: the stored transfer and its
/// pending status.
fn transfer_from_row(row: &AnyRow) -> anyhow::Result<(StoredTransfer, Option<PendingStatus>)> {
    let column = |index: usize| -> anyhow::Result<i64> { Ok(row.try_get::<i64, _>(index)?) };
    let transfer = Transfer {
        id: join(column(0)?, column(1)?),
        debit_account_id: join(column(2)?, column(3)?),
        credit_account_id: join(column(4)?, column(5)?),
        amount: join(column(6)?, column(7)?),
        pending_id: join(column(8)?, column(9)?),
        user_data_128: join(column(10)?, column(11)?),
        user_data_64: column(12)? as u64,
        user_data_32: narrow(column(13)?, "user_data_32")?,
        timeout_seconds: narrow(column(14)?, "timeout_seconds")?,
        ledger: narrow(column(15)?, "ledger")?,
        code: narrow(column(16)?, "code")?,
        flags: transfer_flags(column(17)?),
        timestamp: timestamp(column(18)?)?,
    };
    let zero = column(19)?;
    let keep = |value: u128, bit: i64| if zero & bit != 0 { 0 } else { value };
    let submitted = NewTransfer {
        id: transfer.id,
        debit_account_id: keep(transfer.debit_account_id, 1),
        credit_account_id: keep(transfer.credit_account_id, 2),
        amount: keep(transfer.amount, 4),
        pending_id: transfer.pending_id,
        user_data_128: transfer.user_data_128,
        user_data_64: transfer.user_data_64,
        user_data_32: transfer.user_data_32,
        timeout_seconds: transfer.timeout_seconds,
        ledger: if zero & 8 != 0 { 0 } else { transfer.ledger },
        code: if zero & 16 != 0 { 0 } else { transfer.code },
        flags: transfer.flags,
    };
    Ok((StoredTransfer { submitted, transfer }, status_of(column(20)?)?))
}

fn selected(columns: &[&str]) -> String {
    columns[1..].join(", ")
}

/// `(p, p), (p, p), …` for `n_rows` rows of `n_columns` parameters numbered from `first`.
fn value_rows(placeholders: Placeholders, first: usize, n_rows: usize, n_columns: usize) -> String {
    let mut sql = String::with_capacity(n_rows * n_columns * 7);
    for row in 0..n_rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&placeholders.list(first + row * n_columns, n_columns));
        sql.push(')');
    }
    sql
}

/// The rows of `table` whose id is among `ids`, in chunks.
async fn rows_by_id(
    connection: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    ledger_key: i64,
    ids: &[u128],
) -> Result<Vec<AnyRow>, StoreError> {
    let placeholders = Placeholders::of(connection);
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {} FROM {table} WHERE ledger_key = {} AND (id_hi, id_lo) IN (VALUES {})",
            selected(columns),
            placeholders.list(1, 1),
            value_rows(placeholders, 2, chunk.len(), 2)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(ledger_key);
        for id in chunk {
            let (high, low) = split(*id);
            query = query.bind(high).bind(low);
        }
        rows.extend(query.fetch_all(&mut *connection).await?);
    }
    Ok(rows)
}

/// Rows read per page when a whole ledger is read (`PointsLedger::check`), so that 2 million transfers are never in
/// memory at once.
const ROWS_PER_PAGE: i64 = 50_000;

/// One page of `table`'s rows, by id, after the id `after`.
async fn page_of_rows(
    connection: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    ledger_key: i64,
    after: Option<u128>,
) -> Result<Vec<AnyRow>, StoreError> {
    let (high, low) = after.map_or((i64::MIN, i64::MIN), split);
    // The first page starts at the smallest (high, low) pair; later ones strictly after the last row read.
    let comparison = if after.is_some() { ">" } else { ">=" };
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {} FROM {table} WHERE ledger_key = $1 AND (id_hi, id_lo) {comparison} ($2, $3) \
         ORDER BY id_hi, id_lo LIMIT $4",
        selected(columns)
    )))
    .bind(ledger_key)
    .bind(high)
    .bind(low)
    .bind(ROWS_PER_PAGE)
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows)
}

/// Every row of `table` in the ledger, page by page.
async fn all_rows(
    connection: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    ledger_key: i64,
) -> Result<Vec<AnyRow>, StoreError> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let rows = page_of_rows(connection, table, columns, ledger_key, after).await?;
        let Some(last) = rows.last() else { break };
        after = Some(join(last.try_get::<i64, _>(0)?, last.try_get::<i64, _>(1)?));
        all.extend(rows);
    }
    Ok(all)
}

/// The ledger's running totals and last timestamp, read from its row.
fn ledger_row(row: &AnyRow) -> anyhow::Result<(LedgerTotals, Option<Timestamp>)> {
    let column = |index: usize| -> anyhow::Result<i64> { Ok(row.try_get::<i64, _>(index)?) };
    let totals = LedgerTotals {
        debits_posted: join(column(0)?, column(1)?),
        credits_posted: join(column(2)?, column(3)?),
        debits_pending: join(column(4)?, column(5)?),
        credits_pending: join(column(6)?, column(7)?),
    };
    let last = column(8)?;
    Ok((totals, if last == 0 { None } else { Some(timestamp(last)?) }))
}

impl Store {
    /// The carbon points ledger of the actor's organisation. An operator (`OperatePointsLedger`) opens it, creating it
    /// the first time; a reader (`ViewPointsLedger`) opens it if it exists. There is no way to name another
    /// organisation's ledger.
    pub async fn points_ledger(&self, actor: &Actor) -> Result<PointsLedger, StoreError> {
        actor.require(Permission::ViewPointsLedger)?;
        let organisation = actor.organisation_id.to_string();
        let select = "SELECT ledger_key FROM points_ledgers WHERE organisation_id = $1";
        let found: Option<(i64,)> =
            sqlx::query_as(select).bind(&organisation).fetch_optional(&self.pools.reader).await?;
        let ledger_key = match found {
            Some((key,)) => key,
            None => {
                if !actor.may(Permission::OperatePointsLedger) {
                    return Err(StoreError::NotFound);
                }
                let mut transaction = self.pools.begin_write().await?;
                let found: Option<(i64,)> =
                    sqlx::query_as(select).bind(&organisation).fetch_optional(&mut *transaction).await?;
                let key = match found {
                    Some((key,)) => key,
                    None => {
                        let (key,): (i64,) =
                            sqlx::query_as("SELECT COALESCE(MAX(ledger_key), 0) + 1 FROM points_ledgers")
                                .fetch_one(&mut *transaction)
                                .await?;
                        sqlx::query(
                            "INSERT INTO points_ledgers (organisation_id, ledger_key, debits_posted_hi, debits_posted_lo, \
                             credits_posted_hi, credits_posted_lo, debits_pending_hi, debits_pending_lo, \
                             credits_pending_hi, credits_pending_lo, last_timestamp_ns, n_batches, created_at) \
                             VALUES ($1, $2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $3)",
                        )
                        .bind(&organisation)
                        .bind(key)
                        .bind(time_to_db(self.now()))
                        .execute(&mut *transaction)
                        .await?;
                        key
                    }
                };
                transaction.commit().await?;
                key
            }
        };
        Ok(PointsLedger { pools: self.pools.clone(), actor: actor.clone(), ledger_key })
    }
}

/// One organisation's points ledger in the database; implements [`Ledger`].
#[derive(Clone, Debug)]
pub struct PointsLedger {
    pools: Pools,
    actor: Actor,
    ledger_key: i64,
}

/// A batch of transfers decided and written but not yet committed: [`UncommittedBatch::commit`] makes it durable;
/// dropping it (a crash, or a caller that failed to record something else in the same transaction) rolls every row of
/// it back. The ingestion of events uses it to commit an event's outcome with its transfer.
pub struct UncommittedBatch {
    transaction: Transaction<'static, Any>,
}

impl UncommittedBatch {
    /// Commits the batch (fsync'd: see the module's notes on durability).
    pub async fn commit(self) -> Result<(), StoreError> {
        self.transaction.commit().await?;
        Ok(())
    }

    /// The transaction, to write more in it before committing.
    pub fn transaction(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.transaction
    }

    /// The transaction itself, for a caller that commits it (or rolls it back) after writing more.
    pub fn into_transaction(self) -> Transaction<'static, Any> {
        self.transaction
    }
}

/// What [`PointsLedger::check`] found: the ledger's size and that its invariants hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerCheck {
    pub n_accounts: u64,
    pub n_transfers: u64,
    /// Posted credits of all accounts (equal to their posted debits).
    pub posted_total: Amount,
}

/// An invariant of a stored ledger that does not hold (a bug or a damaged database, never bad input).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BrokenInvariant {
    #[error("the accounts' totals sum to {accounts:?}, the ledger's running totals are {ledger:?}")]
    TotalsDiffer { accounts: [Amount; 4], ledger: [Amount; 4] },
    #[error("posted debits {debits} differ from posted credits {credits}")]
    PostedUnbalanced { debits: Amount, credits: Amount },
    #[error("pending debits {debits} differ from pending credits {credits}")]
    PendingUnbalanced { debits: Amount, credits: Amount },
    #[error("account {account_id} holds {stored:?} but its transfers replay to {replayed:?}")]
    AccountDiffersFromHistory { account_id: AccountId, stored: [Amount; 4], replayed: [Amount; 4] },
    #[error("account {account_id} breaks its balance flag")]
    BalanceFlagBroken { account_id: AccountId },
    #[error("{n_rows} transfer rows but {n_distinct} distinct ids")]
    DuplicateTransferIds { n_rows: u64, n_distinct: u64 },
}

fn totals_array(account: &Account) -> [Amount; 4] {
    [account.debits_posted, account.credits_posted, account.debits_pending, account.credits_pending]
}

impl PointsLedger {
    async fn begin(&self) -> Result<(Transaction<'static, Any>, LedgerState), StoreError> {
        self.actor.require(Permission::OperatePointsLedger)?;
        let mut transaction = self.pools.begin_write().await?;
        // Updating the ledger's row first takes its lock: the batches of one ledger run one after another.
        let row = sqlx::query(AssertSqlSafe(format!(
            "UPDATE points_ledgers SET n_batches = n_batches + 1 WHERE ledger_key = $1 RETURNING {LEDGER_TOTAL_COLUMNS}"
        )))
        .bind(self.ledger_key)
        .fetch_one(&mut *transaction)
        .await?;
        let (totals, last_timestamp) = ledger_row(&row)?;
        Ok((transaction, LedgerState { totals, last_timestamp, ..LedgerState::default() }))
    }

    async fn load_accounts(
        &self,
        connection: &mut AnyConnection,
        state: &mut LedgerState,
        ids: &BTreeSet<AccountId>,
    ) -> Result<(), StoreError> {
        let missing: Vec<u128> = ids.iter().copied().filter(|id| !state.accounts.contains_key(id)).collect();
        for row in rows_by_id(connection, "points_accounts", &ACCOUNT_COLUMNS, self.ledger_key, &missing).await? {
            let account = account_from_row(&row)?;
            state.accounts.insert(account.id, account);
        }
        Ok(())
    }

    /// Loads everything a batch of transfers can touch (see `tanji_account::ledger::state`).
    async fn load_for_transfers(
        &self,
        transaction: &mut Transaction<'static, Any>,
        state: &mut LedgerState,
        batch: &[NewTransfer],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let referenced = state::referenced(batch);
        let ids: Vec<u128> = referenced.transfers.iter().copied().collect();
        let mut accounts = referenced.accounts;
        for row in rows_by_id(transaction, "points_transfers", &TRANSFER_COLUMNS, self.ledger_key, &ids).await? {
            let (stored, status) = transfer_from_row(&row)?;
            if stored.transfer.flags.pending {
                accounts.insert(stored.transfer.debit_account_id);
                accounts.insert(stored.transfer.credit_account_id);
            }
            state.load_transfer(stored, status);
        }
        // The pending transfers whose timeout has passed: the batch releases them first.
        let due = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM points_transfers WHERE ledger_key = $1 AND pending_status = 1 AND expires_at_ns > 0 \
             AND expires_at_ns <= $2",
            selected(&TRANSFER_COLUMNS)
        )))
        .bind(self.ledger_key)
        .bind(nanoseconds(now))
        .fetch_all(&mut **transaction)
        .await?;
        for row in due {
            let (stored, status) = transfer_from_row(&row)?;
            accounts.insert(stored.transfer.debit_account_id);
            accounts.insert(stored.transfer.credit_account_id);
            state.load_transfer(stored, status);
        }
        self.load_accounts(transaction, state, &accounts).await
    }

    /// Writes the accounts named, in multi-row upserts (only the running totals change on a conflict).
    async fn write_accounts(&self, connection: &mut AnyConnection, accounts: &[&Account]) -> Result<(), StoreError> {
        let placeholders = Placeholders::of(connection);
        for chunk in accounts.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO points_accounts ({}) VALUES {} ON CONFLICT (ledger_key, id_hi, id_lo) DO UPDATE SET \
                 debits_pending_hi = excluded.debits_pending_hi, debits_pending_lo = excluded.debits_pending_lo, \
                 debits_posted_hi = excluded.debits_posted_hi, debits_posted_lo = excluded.debits_posted_lo, \
                 credits_pending_hi = excluded.credits_pending_hi, credits_pending_lo = excluded.credits_pending_lo, \
                 credits_posted_hi = excluded.credits_posted_hi, credits_posted_lo = excluded.credits_posted_lo",
                ACCOUNT_COLUMNS.join(", "),
                value_rows(placeholders, 1, chunk.len(), ACCOUNT_COLUMNS.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for account in chunk {
                let (id_high, id_low) = split(account.id);
                let (data_high, data_low) = split(account.user_data_128);
                query = query
                    .bind(self.ledger_key)
                    .bind(id_high)
                    .bind(id_low)
                    .bind(i64::from(account.ledger))
                    .bind(i64::from(account.code))
                    .bind(account_flags_bits(account.flags))
                    .bind(data_high)
                    .bind(data_low)
                    .bind(account.user_data_64 as i64)
                    .bind(i64::from(account.user_data_32));
                for total in
                    [account.debits_pending, account.debits_posted, account.credits_pending, account.credits_posted]
                {
                    let (high, low) = split(total);
                    query = query.bind(high).bind(low);
                }
                query = query.bind(nanoseconds(account.timestamp));
            }
            query.execute(&mut *connection).await?;
        }
        Ok(())
    }

    async fn write_transfers(
        &self,
        connection: &mut AnyConnection,
        state: &LedgerState,
        ids: &[TransferId],
    ) -> Result<(), StoreError> {
        let placeholders = Placeholders::of(connection);
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO points_transfers ({}) VALUES {}",
                TRANSFER_COLUMNS.join(", "),
                value_rows(placeholders, 1, chunk.len(), TRANSFER_COLUMNS.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                let stored = &state.transfers[id];
                let transfer = &stored.transfer;
                query = query.bind(self.ledger_key);
                for value in [
                    transfer.id,
                    transfer.debit_account_id,
                    transfer.credit_account_id,
                    transfer.amount,
                    transfer.pending_id,
                    transfer.user_data_128,
                ] {
                    let (high, low) = split(value);
                    query = query.bind(high).bind(low);
                }
                let status = state.pending.get(id).copied();
                query = query
                    .bind(transfer.user_data_64 as i64)
                    .bind(i64::from(transfer.user_data_32))
                    .bind(i64::from(transfer.timeout_seconds))
                    .bind(i64::from(transfer.ledger))
                    .bind(i64::from(transfer.code))
                    .bind(transfer_flags_bits(transfer.flags))
                    .bind(nanoseconds(transfer.timestamp))
                    .bind(submitted_as_zero(stored))
                    .bind(status_code(status))
                    .bind(state::expires_at(transfer).map_or(0, nanoseconds));
            }
            query.execute(&mut *connection).await?;
        }
        Ok(())
    }

    async fn write_pending_statuses(
        &self,
        connection: &mut AnyConnection,
        state: &LedgerState,
        ids: &[TransferId],
    ) -> Result<(), StoreError> {
        let placeholders = Placeholders::of(connection);
        let mut by_status: BTreeMap<i64, Vec<u128>> = BTreeMap::new();
        for id in ids {
            by_status.entry(status_code(state.pending.get(id).copied())).or_default().push(*id);
        }
        for (status, ids) in by_status {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let sql = format!(
                    "UPDATE points_transfers SET pending_status = {} WHERE ledger_key = {} AND (id_hi, id_lo) IN \
                     (VALUES {})",
                    placeholders.list(1, 1),
                    placeholders.list(2, 1),
                    value_rows(placeholders, 3, chunk.len(), 2)
                );
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(status).bind(self.ledger_key);
                for id in chunk {
                    let (high, low) = split(*id);
                    query = query.bind(high).bind(low);
                }
                query.execute(&mut *connection).await?;
            }
        }
        Ok(())
    }

    async fn write_ledger_row(&self, connection: &mut AnyConnection, state: &LedgerState) -> Result<(), StoreError> {
        let totals = state.totals;
        let mut query = sqlx::query(
            "UPDATE points_ledgers SET debits_posted_hi = $1, debits_posted_lo = $2, credits_posted_hi = $3, \
             credits_posted_lo = $4, debits_pending_hi = $5, debits_pending_lo = $6, credits_pending_hi = $7, \
             credits_pending_lo = $8, last_timestamp_ns = $9 WHERE ledger_key = $10",
        );
        for total in [totals.debits_posted, totals.credits_posted, totals.debits_pending, totals.credits_pending] {
            let (high, low) = split(total);
            query = query.bind(high).bind(low);
        }
        query.bind(state.last_timestamp.map_or(0, nanoseconds)).bind(self.ledger_key).execute(&mut *connection).await?;
        Ok(())
    }

    /// Decides and writes a batch of transfers without committing it (see [`UncommittedBatch`]).
    pub async fn begin_transfers(
        &self,
        batch: &[NewTransfer],
        now: Timestamp,
    ) -> Result<(TransferResults, UncommittedBatch), StoreError> {
        let (mut transaction, mut state) = self.begin().await?;
        self.load_for_transfers(&mut transaction, &mut state, batch, now).await?;
        let (results, effects) = state.create_transfers(batch, now);
        let created: BTreeSet<TransferId> = effects.transfers.iter().copied().collect();
        let accounts: Vec<&Account> = effects.accounts.iter().map(|id| &state.accounts[id]).collect();
        self.write_accounts(&mut transaction, &accounts).await?;
        self.write_transfers(&mut transaction, &state, &effects.transfers).await?;
        let resolved: Vec<TransferId> = effects.pending.iter().copied().filter(|id| !created.contains(id)).collect();
        self.write_pending_statuses(&mut transaction, &state, &resolved).await?;
        self.write_ledger_row(&mut transaction, &state).await?;
        Ok((results, UncommittedBatch { transaction }))
    }

    /// Recomputes the ledger's invariants from what is stored, reading every account and transfer: the accounts'
    /// totals sum to the ledger's running totals, debits equal credits (posted and pending: the sum of all balances
    /// is zero), every account's totals equal the replay of its transfers' history, balance flags hold, and no
    /// transfer id is stored twice.
    pub async fn check(&self) -> Result<Result<LedgerCheck, BrokenInvariant>, StoreError> {
        self.actor.require(Permission::ViewPointsLedger)?;
        // One transaction (a snapshot on both databases) so that a concurrent batch cannot skew the sums.
        let mut transaction = self.pools.begin_write().await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {LEDGER_TOTAL_COLUMNS} FROM points_ledgers WHERE ledger_key = $1"
        )))
        .bind(self.ledger_key)
        .fetch_one(&mut *transaction)
        .await?;
        let (ledger_totals, _) = ledger_row(&row)?;
        let mut accounts: BTreeMap<AccountId, Account> = BTreeMap::new();
        for row in all_rows(&mut transaction, "points_accounts", &ACCOUNT_COLUMNS, self.ledger_key).await? {
            let account = account_from_row(&row)?;
            accounts.insert(account.id, account);
        }
        let mut replay = state::HistoryReplay::default();
        let mut n_transfers = 0u64;
        let mut after: Option<u128> = None;
        loop {
            let rows =
                page_of_rows(&mut transaction, "points_transfers", &TRANSFER_COLUMNS, self.ledger_key, after).await?;
            let Some(last) = rows.last() else { break };
            after = Some(join(last.try_get::<i64, _>(0)?, last.try_get::<i64, _>(1)?));
            for row in &rows {
                let (stored, status) = transfer_from_row(row)?;
                replay.add(&stored.transfer, status);
                n_transfers += 1;
            }
        }
        let (n_distinct,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT DISTINCT id_hi, id_lo FROM points_transfers WHERE ledger_key = $1) AS ids",
        )
        .bind(self.ledger_key)
        .fetch_one(&mut *transaction)
        .await?;
        transaction.rollback().await?;

        let n_distinct = u64::try_from(n_distinct).unwrap_or(0);
        if n_distinct != n_transfers {
            return Ok(Err(BrokenInvariant::DuplicateTransferIds { n_rows: n_transfers, n_distinct }));
        }
        let mut sums = [0u128; 4];
        for account in accounts.values() {
            let stored = totals_array(account);
            for (sum, total) in sums.iter_mut().zip(stored) {
                *sum += total;
            }
            let replayed = replay.totals(account.id);
            if stored != replayed {
                return Ok(Err(BrokenInvariant::AccountDiffersFromHistory {
                    account_id: account.id,
                    stored,
                    replayed,
                }));
            }
            if (account.flags.debits_must_not_exceed_credits
                && account.debits_posted + account.debits_pending > account.credits_posted)
                || (account.flags.credits_must_not_exceed_debits
                    && account.credits_posted + account.credits_pending > account.debits_posted)
            {
                return Ok(Err(BrokenInvariant::BalanceFlagBroken { account_id: account.id }));
            }
        }
        let ledger = [
            ledger_totals.debits_posted,
            ledger_totals.credits_posted,
            ledger_totals.debits_pending,
            ledger_totals.credits_pending,
        ];
        if sums != ledger {
            return Ok(Err(BrokenInvariant::TotalsDiffer { accounts: sums, ledger }));
        }
        if sums[0] != sums[1] {
            return Ok(Err(BrokenInvariant::PostedUnbalanced { debits: sums[0], credits: sums[1] }));
        }
        if sums[2] != sums[3] {
            return Ok(Err(BrokenInvariant::PendingUnbalanced { debits: sums[2], credits: sums[3] }));
        }
        Ok(Ok(LedgerCheck { n_accounts: accounts.len() as u64, n_transfers, posted_total: sums[1] }))
    }
}

impl Ledger for PointsLedger {
    type Error = StoreError;

    async fn create_accounts(&mut self, batch: &[NewAccount], now: Timestamp) -> Result<AccountResults, StoreError> {
        let (mut transaction, mut state) = self.begin().await?;
        let ids: BTreeSet<AccountId> = batch.iter().map(|account| account.id).collect();
        self.load_accounts(&mut transaction, &mut state, &ids).await?;
        let (results, created) = state.create_accounts(batch, now);
        let accounts: Vec<&Account> = created.iter().map(|id| &state.accounts[id]).collect();
        self.write_accounts(&mut transaction, &accounts).await?;
        self.write_ledger_row(&mut transaction, &state).await?;
        transaction.commit().await?;
        Ok(results)
    }

    async fn create_transfers(&mut self, batch: &[NewTransfer], now: Timestamp) -> Result<TransferResults, StoreError> {
        let (results, uncommitted) = self.begin_transfers(batch, now).await?;
        uncommitted.commit().await?;
        Ok(results)
    }

    async fn lookup_accounts(&self, ids: &[AccountId]) -> Result<Vec<Account>, StoreError> {
        self.actor.require(Permission::ViewPointsLedger)?;
        let mut connection = self.pools.reader.acquire().await?;
        let mut found = BTreeMap::new();
        for row in rows_by_id(&mut connection, "points_accounts", &ACCOUNT_COLUMNS, self.ledger_key, ids).await? {
            let account = account_from_row(&row)?;
            found.insert(account.id, account);
        }
        Ok(ids.iter().filter_map(|id| found.get(id).copied()).collect())
    }

    async fn lookup_transfers(&self, ids: &[TransferId]) -> Result<Vec<Transfer>, StoreError> {
        self.actor.require(Permission::ViewPointsLedger)?;
        let mut connection = self.pools.reader.acquire().await?;
        let mut found = BTreeMap::new();
        for row in rows_by_id(&mut connection, "points_transfers", &TRANSFER_COLUMNS, self.ledger_key, ids).await? {
            let (stored, _) = transfer_from_row(&row)?;
            found.insert(stored.transfer.id, stored.transfer);
        }
        Ok(ids.iter().filter_map(|id| found.get(id).copied()).collect())
    }

    async fn account_transfers(&self, account_id: AccountId) -> Result<Vec<Transfer>, StoreError> {
        self.actor.require(Permission::ViewPointsLedger)?;
        let (high, low) = split(account_id);
        let columns = selected(&TRANSFER_COLUMNS);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {columns} FROM points_transfers WHERE ledger_key = $1 AND debit_account_id_hi = $2 \
             AND debit_account_id_lo = $3 \
             UNION ALL SELECT {columns} FROM points_transfers WHERE ledger_key = $1 AND credit_account_id_hi = $2 \
             AND credit_account_id_lo = $3 ORDER BY timestamp_ns"
        )))
        .bind(self.ledger_key)
        .bind(high)
        .bind(low)
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter().map(|row| Ok(transfer_from_row(row)?.0.transfer)).collect()
    }

    async fn pending_status(
        &self,
        pending_id: TransferId,
        now: Timestamp,
    ) -> Result<Option<PendingStatus>, StoreError> {
        self.actor.require(Permission::ViewPointsLedger)?;
        let mut connection = self.pools.reader.acquire().await?;
        let mut state = LedgerState::default();
        for row in
            rows_by_id(&mut connection, "points_transfers", &TRANSFER_COLUMNS, self.ledger_key, &[pending_id]).await?
        {
            let (stored, status) = transfer_from_row(&row)?;
            state.load_transfer(stored, status);
        }
        Ok(state.status_at(pending_id, now))
    }
}

/// The ledger's key of `operator_id`'s points ledger, if it has one.
pub(crate) async fn ledger_key_of(
    pools: &Pools,
    operator_id: tanji_tenancy::OrganisationId,
) -> Result<Option<i64>, StoreError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT ledger_key FROM points_ledgers WHERE organisation_id = $1")
        .bind(operator_id.to_string())
        .fetch_optional(&pools.reader)
        .await?;
    Ok(found.map(|(key,)| key))
}

/// Every transfer of a ledger, oldest first: what the campaign boards replay into lots (`account_campaigns`).
pub(crate) async fn ledger_transfers(pools: &Pools, ledger_key: i64) -> Result<Vec<Transfer>, StoreError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {} FROM points_transfers WHERE ledger_key = $1 ORDER BY timestamp_ns",
        selected(&TRANSFER_COLUMNS)
    )))
    .bind(ledger_key)
    .fetch_all(&pools.reader)
    .await?;
    rows.iter().map(|row| Ok(transfer_from_row(row)?.0.transfer)).collect()
}

impl PointsLedger {
    /// The operator's ledger, opened for one of its persons through their pass (`account_campaigns`), never for a
    /// member: `actor` is the scheme acting for the person (labelled so), and the callers there touch only that
    /// person's account — a pass names one parent account and nothing in the person's requests names another.
    pub(crate) fn for_person(pools: &Pools, actor: Actor, ledger_key: i64) -> Self {
        PointsLedger { pools: pools.clone(), actor, ledger_key }
    }
}
