//! Carbon points (碳积分) on the ledger: the chart of accounts of a scheme, FIFO lots with expiry, and the transfers
//! that earn, expire, redeem, donate and reverse points.
//!
//! Every scheme (one operator's points: the retailer's 88碳账户, a city's 碳普惠) is one ledger. Each person has
//! one account there with `debits_must_not_exceed_credits`; points come from the scheme's issuance account and go
//! to its sinks (expired, redeemed, donated). Each credit to a person is a *lot* with its own expiry; spending takes
//! the lots that expire first (FIFO), and before any spend the lots that have expired are moved to the expired
//! sink in the same linked chain — so expired points are never spent and never counted (`Lots::available`).
//!
//! The lots are not stored anywhere: `Lots::replay` derives them from the person's transfers, which is what makes
//! them survive a crash and lets a store or TigerBeetle hold nothing but accounts and transfers. The transfer ids
//! of derived transfers (an expiry, a release, a reversal) are hashes of what they derive from, so planning the same
//! step twice yields the same ids and the ledger applies it once.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ledger::{AccountFlags, AccountId, Amount, NewAccount, NewTransfer, Transfer, TransferFlags, TransferId};
use crate::methodology::MethodologyVersionKey;

/// A person's number in the operator's directory (the parent account of 1+N).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PersonId(pub u64);

/// What kind of ledger account (the account's `code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u16)]
pub enum AccountCode {
    /// Where the scheme's points come from; its balance is minus the points ever issued.
    Issuance = 1,
    Person = 2,
    Expired = 3,
    Redeemed = 4,
    Donated = 5,
}

/// What a transfer does (the transfer's `code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u16)]
pub enum TransferCode {
    /// Points for a behaviour, credited at once.
    Earn = 1,
    /// Points for a behaviour, pending until the issuance delay has passed.
    EarnDelayed = 2,
    /// Points for a behaviour, pending until the person collects them (or they lapse at the timeout).
    EarnToCollect = 3,
    /// Points for a behaviour, pending a fraud review.
    EarnHeld = 4,
    Expire = 5,
    Redeem = 6,
    Donate = 7,
    /// Points taken back after a fraud finding.
    Reverse = 8,
}

impl TransferCode {
    pub fn from_code(code: u16) -> Option<Self> {
        Some(match code {
            1 => TransferCode::Earn,
            2 => TransferCode::EarnDelayed,
            3 => TransferCode::EarnToCollect,
            4 => TransferCode::EarnHeld,
            5 => TransferCode::Expire,
            6 => TransferCode::Redeem,
            7 => TransferCode::Donate,
            8 => TransferCode::Reverse,
            _ => return None,
        })
    }

    /// Whether transfers with this code credit a person for a behaviour.
    pub fn is_earn(self) -> bool {
        matches!(
            self,
            TransferCode::Earn | TransferCode::EarnDelayed | TransferCode::EarnToCollect | TransferCode::EarnHeld
        )
    }
}

/// A scheme's accounts: ids laid out as `[ledger: 32 bits][account code: 32 bits][person or 0: 64 bits]`, so every
/// id is derived, never allocated, and a person's account is found without a lookup table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chart {
    pub ledger: u32,
}

impl Chart {
    /// The chart of a scheme's ledger in tanji's store. Every operator has a ledger of its own (one row of
    /// `points_ledgers`, its accounts and transfers keyed apart), so one ledger number serves every scheme.
    pub const SCHEME: Chart = Chart { ledger: 88 };

    fn id(self, code: AccountCode, low: u64) -> AccountId {
        (u128::from(self.ledger) << 96) | ((code as u128) << 64) | u128::from(low)
    }

    pub fn issuance(self) -> AccountId {
        self.id(AccountCode::Issuance, 0)
    }

    pub fn expired(self) -> AccountId {
        self.id(AccountCode::Expired, 0)
    }

    pub fn redeemed(self) -> AccountId {
        self.id(AccountCode::Redeemed, 0)
    }

    pub fn donated(self) -> AccountId {
        self.id(AccountCode::Donated, 0)
    }

    pub fn person(self, person: PersonId) -> AccountId {
        self.id(AccountCode::Person, person.0)
    }

    /// The person an account id belongs to, if it is a person's account on this ledger.
    pub fn person_of(self, account_id: AccountId) -> Option<PersonId> {
        let ledger = (account_id >> 96) as u32;
        let code = ((account_id >> 64) & 0xFFFF_FFFF) as u32;
        (ledger == self.ledger && code == AccountCode::Person as u32).then_some(PersonId(account_id as u64))
    }

    /// The scheme's own accounts, to create once.
    pub fn scheme_accounts(self) -> Vec<NewAccount> {
        [
            (self.issuance(), AccountCode::Issuance),
            (self.expired(), AccountCode::Expired),
            (self.redeemed(), AccountCode::Redeemed),
            (self.donated(), AccountCode::Donated),
        ]
        .into_iter()
        .map(|(id, code)| self.account(id, code, AccountFlags::default()))
        .collect()
    }

    /// A person's account: it can never be debited below zero.
    pub fn person_account(self, person: PersonId) -> NewAccount {
        let flags = AccountFlags { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false };
        self.account(self.person(person), AccountCode::Person, flags)
    }

    fn account(self, id: AccountId, code: AccountCode, flags: AccountFlags) -> NewAccount {
        NewAccount {
            id,
            ledger: self.ledger,
            code: code as u16,
            flags,
            user_data_128: 0,
            user_data_64: 0,
            user_data_32: 0,
        }
    }

    /// A transfer on this scheme's ledger.
    pub fn transfer(
        self,
        id: TransferId,
        debit: AccountId,
        credit: AccountId,
        amount: Amount,
        code: TransferCode,
    ) -> NewTransfer {
        NewTransfer {
            id,
            debit_account_id: debit,
            credit_account_id: credit,
            amount,
            ledger: self.ledger,
            code: code as u16,
            ..NewTransfer::default()
        }
    }
}

/// A transfer id derived from its parts: SHA-256 over a domain tag and length-prefixed parts, the first 16 bytes.
/// Never 0 or `u128::MAX` (reserved by the ledger).
pub fn derive_id(tag: &str, parts: &[&[u8]]) -> TransferId {
    let mut hasher = Sha256::new();
    hasher.update((tag.len() as u64).to_be_bytes());
    hasher.update(tag.as_bytes());
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    match u128::from_be_bytes(bytes) {
        0 => 1,
        u128::MAX => u128::MAX - 1,
        id => id,
    }
}

/// What an earning transfer carries besides its amount: packed into `user_data_128` (methodology version key in the
/// high 64 bits, the activity's time in Unix seconds in the low 64), `user_data_64` (a lot's expiry in Unix seconds,
/// 0 for never; for a delayed pending credit, its release time) and `user_data_32` (the sub-platform's number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EarnData {
    pub methodology: MethodologyVersionKey,
    pub occurred_at: Timestamp,
    pub sub_platform: u32,
}

impl EarnData {
    pub fn user_data_128(self) -> u128 {
        (u128::from(self.methodology.packed()) << 64) | u128::from(self.occurred_at.as_second() as u64)
    }

    pub fn from_transfer(transfer: &Transfer) -> Self {
        EarnData {
            methodology: MethodologyVersionKey::unpack((transfer.user_data_128 >> 64) as u64),
            occurred_at: seconds(transfer.user_data_128 as u64).unwrap_or(Timestamp::UNIX_EPOCH),
            sub_platform: transfer.user_data_32,
        }
    }
}

/// A Unix time in seconds as stored in user data; 0 means none.
pub fn seconds(value: u64) -> Option<Timestamp> {
    if value == 0 { None } else { Timestamp::from_second(value as i64).ok() }
}

/// A time as stored in user data (whole seconds, 0 for none).
pub fn to_seconds(time: Option<Timestamp>) -> u64 {
    time.map_or(0, |time| time.as_second().max(1) as u64)
}

/// Points credited to a person in one earning: spent, expired and reversed from, oldest expiry first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// The earning transfer (for a two-phase earning, the pending transfer).
    pub earn_id: TransferId,
    pub amount: Amount,
    pub remaining: Amount,
    pub expired: Amount,
    pub reversed: Amount,
    pub credited_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub earn: EarnData,
}

impl Lot {
    fn usable_at(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

/// A person's history that breaks the rules of this module: found when replaying, reported by the property tests.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LotError {
    /// A debit took more than the usable (unexpired) lots held at its time.
    #[error("transfer {transfer_id} spent {amount} with only {usable} usable")]
    SpentMoreThanUsable {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::points")]
        amount: Amount,
        #[serde(with = "crate::wire::points")]
        usable: Amount,
    },
    /// An expiry or reversal names a lot that does not exist or has too little left.
    #[error("transfer {transfer_id} takes more than lot {lot_id} holds")]
    LotOverdrawn {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::id_text")]
        lot_id: TransferId,
    },
    /// An expiry took points from a lot before it expired.
    #[error("transfer {transfer_id} expired lot {lot_id} before its expiry")]
    ExpiredTooEarly {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::id_text")]
        lot_id: TransferId,
    },
}

/// A person's lots, replayed from their transfers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lots {
    pub lots: Vec<Lot>,
}

impl Lots {
    /// Replays a person account's transfers (oldest first, as `Ledger::account_transfers` returns them).
    pub fn replay(account_id: AccountId, transfers: &[Transfer]) -> Result<Lots, LotError> {
        let mut lots: Vec<Lot> = Vec::new();
        let pending_earns: std::collections::BTreeMap<TransferId, &Transfer> = transfers
            .iter()
            .filter(|transfer| transfer.flags.pending)
            .map(|transfer| (transfer.id, transfer))
            .collect();
        for transfer in transfers {
            let posted = !transfer.flags.pending && !transfer.flags.void_pending_transfer;
            if !posted {
                continue;
            }
            if transfer.credit_account_id == account_id {
                let (earn_id, earn) = if transfer.flags.post_pending_transfer {
                    let pending = pending_earns.get(&transfer.pending_id).copied().unwrap_or(transfer);
                    (transfer.pending_id, EarnData::from_transfer(pending))
                } else {
                    (transfer.id, EarnData::from_transfer(transfer))
                };
                lots.push(Lot {
                    earn_id,
                    amount: transfer.amount,
                    remaining: transfer.amount,
                    expired: 0,
                    reversed: 0,
                    credited_at: transfer.timestamp,
                    expires_at: seconds(transfer.user_data_64),
                    earn,
                });
            } else if transfer.debit_account_id == account_id {
                let code = TransferCode::from_code(transfer.code);
                match code {
                    Some(TransferCode::Expire | TransferCode::Reverse) => {
                        let lot_id = transfer.user_data_128;
                        let overdrawn = LotError::LotOverdrawn { transfer_id: transfer.id, lot_id };
                        let lot = lots.iter_mut().find(|lot| lot.earn_id == lot_id).ok_or(overdrawn.clone())?;
                        if lot.remaining < transfer.amount {
                            return Err(overdrawn);
                        }
                        if code == Some(TransferCode::Expire) {
                            if lot.usable_at(transfer.timestamp) {
                                return Err(LotError::ExpiredTooEarly { transfer_id: transfer.id, lot_id });
                            }
                            lot.expired += transfer.amount;
                        } else {
                            lot.reversed += transfer.amount;
                        }
                        lot.remaining -= transfer.amount;
                    }
                    _ => {
                        let at = transfer.timestamp;
                        let usable: Amount = lots.iter().filter(|lot| lot.usable_at(at)).map(|lot| lot.remaining).sum();
                        if usable < transfer.amount {
                            return Err(LotError::SpentMoreThanUsable {
                                transfer_id: transfer.id,
                                amount: transfer.amount,
                                usable,
                            });
                        }
                        let mut left = transfer.amount;
                        for lot_idx in fifo_order(&lots) {
                            let lot = &mut lots[lot_idx];
                            if left == 0 {
                                break;
                            }
                            if !lot.usable_at(at) || lot.remaining == 0 {
                                continue;
                            }
                            let take = left.min(lot.remaining);
                            lot.remaining -= take;
                            left -= take;
                        }
                    }
                }
            }
        }
        Ok(Lots { lots })
    }

    /// Points that can be spent at `now`: the remaining points of lots not yet expired.
    pub fn available(&self, now: Timestamp) -> Amount {
        self.lots.iter().filter(|lot| lot.usable_at(now)).map(|lot| lot.remaining).sum()
    }

    /// Points still in lots (expired ones included) — equals the account's posted balance.
    pub fn held(&self) -> Amount {
        self.lots.iter().map(|lot| lot.remaining).sum()
    }

    /// The expiry transfers due at `now`: one per lot with points left after its expiry. Their ids derive from the
    /// lot, so planning the sweep again answers `Exists` instead of expiring twice.
    pub fn plan_expiry(&self, chart: Chart, person: PersonId, now: Timestamp) -> Vec<NewTransfer> {
        self.lots
            .iter()
            .filter(|lot| lot.remaining > 0 && !lot.usable_at(now))
            .map(|lot| {
                let id = derive_id("tanji/expire", &[&lot.earn_id.to_be_bytes()]);
                let mut transfer =
                    chart.transfer(id, chart.person(person), chart.expired(), lot.remaining, TransferCode::Expire);
                transfer.user_data_128 = lot.earn_id;
                transfer
            })
            .collect()
    }

    /// A redemption or donation of `amount` at `now` with the client's `request_id`: the due expiries and the spend
    /// as one linked chain.
    pub fn plan_spend(
        &self,
        chart: Chart,
        person: PersonId,
        spend: Spend,
        amount: Amount,
        request_id: TransferId,
        now: Timestamp,
    ) -> Result<Vec<NewTransfer>, SpendError> {
        if amount == 0 {
            return Err(SpendError::AmountMustBePositive);
        }
        let available = self.available(now);
        if available < amount {
            return Err(SpendError::InsufficientPoints { available, requested: amount });
        }
        let (sink, code) = match spend {
            Spend::Redeem { .. } => (chart.redeemed(), TransferCode::Redeem),
            Spend::Donate { .. } => (chart.donated(), TransferCode::Donate),
        };
        let mut chain = self.plan_expiry(chart, person, now);
        let mut transfer = chart.transfer(request_id, chart.person(person), sink, amount, code);
        transfer.user_data_128 = match spend {
            Spend::Redeem { offer } => offer,
            Spend::Donate { project } => project,
        };
        chain.push(transfer);
        link(&mut chain);
        Ok(chain)
    }

    /// Takes back what is left of the lot of `earn_id` after a fraud finding; the part already spent cannot be
    /// taken back and is reported as `shortfall`.
    pub fn plan_reverse(&self, chart: Chart, person: PersonId, earn_id: TransferId) -> Result<Reversal, SpendError> {
        let lot = self.lots.iter().find(|lot| lot.earn_id == earn_id).ok_or(SpendError::NoSuchLot { earn_id })?;
        let shortfall = lot.amount - lot.remaining - lot.expired - lot.reversed;
        let transfer = (lot.remaining > 0).then(|| {
            let id = derive_id("tanji/reverse", &[&earn_id.to_be_bytes()]);
            let mut transfer =
                chart.transfer(id, chart.person(person), chart.issuance(), lot.remaining, TransferCode::Reverse);
            transfer.user_data_128 = earn_id;
            transfer
        });
        Ok(Reversal { transfer, reversed: lot.remaining, shortfall })
    }
}

/// Lot indices in spending order: the earliest expiry first (never-expiring lots last), then the oldest credit.
fn fifo_order(lots: &[Lot]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lots.len()).collect();
    order.sort_by_key(|&lot_idx| {
        let lot = &lots[lot_idx];
        (lot.expires_at.is_none(), lot.expires_at, lot.credited_at, lot.earn_id)
    });
    order
}

/// Sets `linked` on every transfer but the last, making the list one all-or-nothing chain.
pub fn link(chain: &mut [NewTransfer]) {
    let n_transfers = chain.len();
    for (transfer_idx, transfer) in chain.iter_mut().enumerate() {
        transfer.flags.linked = transfer_idx + 1 < n_transfers;
    }
}

/// What points are spent on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Spend {
    /// A discount or service from the operator's catalogue.
    Redeem { offer: u128 },
    /// A donation to a public-interest project.
    Donate { project: u128 },
}

/// The plan of a reversal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    pub transfer: Option<NewTransfer>,
    pub reversed: Amount,
    /// Points of the lot already spent: not recoverable from the person.
    pub shortfall: Amount,
}

/// Why points cannot be spent or reversed.
// Not `non_exhaustive`: the message catalogue matches every code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SpendError {
    #[error("the amount must be positive")]
    AmountMustBePositive,
    /// Fewer unexpired points than asked for.
    #[error("{available} points available, {requested} requested")]
    InsufficientPoints {
        #[serde(with = "crate::wire::points")]
        available: Amount,
        #[serde(with = "crate::wire::points")]
        requested: Amount,
    },
    /// The earning to reverse has no lot (never credited, or still pending: void it instead).
    #[error("no lot for earning {earn_id}")]
    NoSuchLot {
        #[serde(with = "crate::wire::id_text")]
        earn_id: TransferId,
    },
}

/// A pending earning's release (post) or rejection (void), with ids derived from the pending transfer.
pub fn plan_resolution(pending: &Transfer, release: bool, lot_expires_at: Option<Timestamp>) -> NewTransfer {
    let (tag, flags) = if release {
        ("tanji/release", TransferFlags { post_pending_transfer: true, ..TransferFlags::default() })
    } else {
        ("tanji/void", TransferFlags { void_pending_transfer: true, ..TransferFlags::default() })
    };
    NewTransfer {
        id: derive_id(tag, &[&pending.id.to_be_bytes()]),
        pending_id: pending.id,
        flags,
        user_data_64: if release { to_seconds(lot_expires_at) } else { 0 },
        ..NewTransfer::default()
    }
}

/// When a lot credited at `credited_at` expires under a validity of `valid_days` (None: never).
pub fn lot_expiry(credited_at: Timestamp, valid_days: Option<u32>) -> Option<Timestamp> {
    valid_days.map(|days| credited_at + SignedDuration::from_hours(24 * i64::from(days)))
}
