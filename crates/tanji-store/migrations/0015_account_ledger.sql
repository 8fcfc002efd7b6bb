-- The carbon points ledger (tanji-account's TigerBeetle-model ledger) of an operator organisation: its accounts and
-- transfers. tanji-store/src/account_ledger.rs reads and writes them; the rules are tanji_account::ledger::state's.
--
-- 128-bit numbers (account and transfer ids, user_data_128, amounts and running totals) are stored as two BIGINTs,
-- the high and the low 64 bits each reinterpreted as a signed integer (`_hi`, `_lo`): both databases index BIGINT
-- pairs natively, and the one-dialect rule allows no blob type. Unsigned 64-bit fields are reinterpreted the same
-- way. Times are nanoseconds since the Unix epoch (BIGINT): the ledger gives every account and transfer a unique
-- timestamp a nanosecond after the previous one, which six-digit text times could not hold.
--
-- One row per ledger holds the ledger-wide running totals and the last timestamp. Every batch updates it first,
-- which also serialises the batches of one ledger on both databases (the row lock on PostgreSQL, the write lock on
-- SQLite).
CREATE TABLE points_ledgers (
    organisation_id       TEXT PRIMARY KEY REFERENCES organisations (id),
    -- A short key for the rows of the accounts and transfers (a BIGINT in their primary keys instead of a UUID text).
    ledger_key            BIGINT NOT NULL UNIQUE,
    debits_posted_hi      BIGINT NOT NULL,
    debits_posted_lo      BIGINT NOT NULL,
    credits_posted_hi     BIGINT NOT NULL,
    credits_posted_lo     BIGINT NOT NULL,
    debits_pending_hi     BIGINT NOT NULL,
    debits_pending_lo     BIGINT NOT NULL,
    credits_pending_hi    BIGINT NOT NULL,
    credits_pending_lo    BIGINT NOT NULL,
    -- 0 until the first account is created.
    last_timestamp_ns     BIGINT NOT NULL,
    n_batches             BIGINT NOT NULL,
    created_at            TEXT NOT NULL
);

CREATE TABLE points_accounts (
    ledger_key            BIGINT NOT NULL,
    id_hi                 BIGINT NOT NULL,
    id_lo                 BIGINT NOT NULL,
    ledger                BIGINT NOT NULL,
    code                  BIGINT NOT NULL,
    -- 1: debits_must_not_exceed_credits, 2: credits_must_not_exceed_debits.
    flags                 BIGINT NOT NULL,
    user_data_128_hi      BIGINT NOT NULL,
    user_data_128_lo      BIGINT NOT NULL,
    user_data_64          BIGINT NOT NULL,
    user_data_32          BIGINT NOT NULL,
    debits_pending_hi     BIGINT NOT NULL,
    debits_pending_lo     BIGINT NOT NULL,
    debits_posted_hi      BIGINT NOT NULL,
    debits_posted_lo      BIGINT NOT NULL,
    credits_pending_hi    BIGINT NOT NULL,
    credits_pending_lo    BIGINT NOT NULL,
    credits_posted_hi     BIGINT NOT NULL,
    credits_posted_lo     BIGINT NOT NULL,
    timestamp_ns          BIGINT NOT NULL,
    PRIMARY KEY (ledger_key, id_hi, id_lo)
);

CREATE TABLE points_transfers (
    ledger_key            BIGINT NOT NULL,
    id_hi                 BIGINT NOT NULL,
    id_lo                 BIGINT NOT NULL,
    debit_account_id_hi   BIGINT NOT NULL,
    debit_account_id_lo   BIGINT NOT NULL,
    credit_account_id_hi  BIGINT NOT NULL,
    credit_account_id_lo  BIGINT NOT NULL,
    amount_hi             BIGINT NOT NULL,
    amount_lo             BIGINT NOT NULL,
    pending_id_hi         BIGINT NOT NULL,
    pending_id_lo         BIGINT NOT NULL,
    user_data_128_hi      BIGINT NOT NULL,
    user_data_128_lo      BIGINT NOT NULL,
    user_data_64          BIGINT NOT NULL,
    user_data_32          BIGINT NOT NULL,
    timeout_seconds       BIGINT NOT NULL,
    ledger                BIGINT NOT NULL,
    code                  BIGINT NOT NULL,
    -- 1: linked, 2: pending, 4: post_pending_transfer, 8: void_pending_transfer.
    flags                 BIGINT NOT NULL,
    timestamp_ns          BIGINT NOT NULL,
    -- Which fields the client submitted as zero for a post or void (filled in from the pending transfer), so that a
    -- resubmission is compared with what was submitted: 1 debit account, 2 credit account, 4 amount, 8 ledger,
    -- 16 code. 0 for every other transfer.
    submitted_as_zero     BIGINT NOT NULL,
    -- 0: not a pending transfer; 1 pending, 2 posted, 3 voided, 4 expired.
    pending_status        BIGINT NOT NULL CHECK (pending_status IN (0, 1, 2, 3, 4)),
    -- When a pending transfer with a timeout expires (ns); 0 without one.
    expires_at_ns         BIGINT NOT NULL,
    PRIMARY KEY (ledger_key, id_hi, id_lo)
);
-- An account's transfers, oldest first, on either side.
CREATE INDEX points_transfers_debit ON points_transfers (ledger_key, debit_account_id_hi, debit_account_id_lo, timestamp_ns);
CREATE INDEX points_transfers_credit ON points_transfers (ledger_key, credit_account_id_hi, credit_account_id_lo, timestamp_ns);
-- The pending transfers still pending, by expiry: what a batch releases first.
CREATE INDEX points_transfers_expiry ON points_transfers (ledger_key, expires_at_ns) WHERE pending_status = 1;
