//! Throttling password guesses (login and the password-change form) with growing delays, not hard locks.
//!
//! An attempt is *reserved* before the password is checked: the reservation counts as a failure at once and is
//! refunded only when the password turns out right. Reserving is one call on `&mut self`, so behind one lock N
//! concurrent guesses cannot all pass a check made before any of them failed (the defect this design replaced).
//!
//! Three counters are kept, because each stops a different attack without handing attackers a lock-out weapon:
//!
//! | key | stops | free failures | then |
//! |---|---|---|---|
//! | account + client | one client guessing one account | 5 | 1 s, 2 s, 4 s … doubling to 15 min; forgotten after 24 h without failures |
//! | account | many clients guessing one account (ASVS 2.2.1: < 100 failures per hour) | 50 | 1 s doubling to 15 min; forgotten after 1 h |
//! | client | one client spraying many accounts | 50 | 1 s doubling to 15 min; forgotten after 1 h |
//!
//! Someone else's failures from another address never lock the owner out: they only slow the account once they exceed
//! 50, and never for longer than 15 minutes per attempt. A successful login forgets its account + client failures and
//! refunds its reservation on the other two.
//!
//! Pure and clock-free: the caller passes `now`, so tests step time instead of sleeping.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

/// How many failures a key may have before delays start, how the delays grow, and when failures are forgotten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Failures allowed without any delay.
    pub free_failures: u32,
    /// The delay after the first failure beyond the free ones; each further failure doubles it.
    pub first_delay: SignedDuration,
    /// The longest delay.
    pub max_delay: SignedDuration,
    /// Failures are forgotten once none has happened for this long.
    pub forget_after: SignedDuration,
}

impl BackoffPolicy {
    /// One client guessing one account.
    pub const ACCOUNT_AND_CLIENT: Self = Self {
        free_failures: 5,
        first_delay: SignedDuration::from_secs(1),
        max_delay: SignedDuration::from_mins(15),
        forget_after: SignedDuration::from_hours(24),
    };
    /// Any client guessing one account.
    pub const ACCOUNT: Self = Self {
        free_failures: 50,
        first_delay: SignedDuration::from_secs(1),
        max_delay: SignedDuration::from_mins(15),
        forget_after: SignedDuration::from_hours(1),
    };
    /// One client guessing any account (offices share an address, hence the higher allowance).
    pub const CLIENT: Self = Self::ACCOUNT;

    /// The delay that applies after `n_failures` failures (zero while they are free).
    pub fn delay_after(&self, n_failures: u32) -> SignedDuration {
        let Some(n_beyond) = n_failures.checked_sub(self.free_failures) else { return SignedDuration::ZERO };
        // 2^20 seconds is 12 days, beyond any sensible cap; stopping there keeps the arithmetic from overflowing.
        let factor = 1_i32 << n_beyond.min(20);
        self.first_delay.checked_mul(factor).map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }
}

/// Refused: too many recent failures; attempts are accepted again from `retry_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts; try again after {retry_at}")]
pub struct Throttled {
    /// When the next attempt will be accepted.
    pub retry_at: Timestamp,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    n_failures: u32,
    last_failure_at: Timestamp,
}

/// Failure counts per key under one [`BackoffPolicy`], for a bounded number of keys.
#[derive(Debug)]
pub struct BackoffThrottle {
    policy: BackoffPolicy,
    max_keys: usize,
    failures_by_key: HashMap<String, Failures>,
}

impl BackoffThrottle {
    /// At most `max_keys` keys are tracked; beyond that the forgotten ones are dropped first, then the stalest, so
    /// memory stays bounded even under a flood of attempts from many addresses.
    pub fn new(policy: BackoffPolicy, max_keys: usize) -> Self {
        assert!(max_keys > 0, "a throttle must track at least one key");
        Self { policy, max_keys, failures_by_key: HashMap::new() }
    }

    /// The recent failures of `key` at `now` (zero once forgotten).
    pub fn n_failures(&self, key: &str, now: Timestamp) -> u32 {
        self.current(key, now).map_or(0, |failures| failures.n_failures)
    }

    /// `Ok` if an attempt for `key` may proceed at `now`, else when it may.
    pub fn check(&self, key: &str, now: Timestamp) -> Result<(), Throttled> {
        let Some(failures) = self.current(key, now) else { return Ok(()) };
        let delay = self.policy.delay_after(failures.n_failures);
        if delay.is_zero() {
            return Ok(());
        }
        let retry_at = failures.last_failure_at + delay;
        if now >= retry_at { Ok(()) } else { Err(Throttled { retry_at }) }
    }

    /// Counts an attempt for `key` at `now` as a failure (a reservation, until [`Self::refund`] or
    /// [`Self::forget`]).
    pub fn record_failure(&mut self, key: &str, now: Timestamp) {
        if !self.failures_by_key.contains_key(key) && self.failures_by_key.len() >= self.max_keys {
            self.evict(now);
        }
        let n_failures = self.n_failures(key, now);
        self.failures_by_key
            .insert(key.to_owned(), Failures { n_failures: n_failures.saturating_add(1), last_failure_at: now });
    }

    /// Takes back one failure of `key`: the reserved attempt succeeded.
    pub fn refund(&mut self, key: &str) {
        if let Some(failures) = self.failures_by_key.get_mut(key) {
            failures.n_failures = failures.n_failures.saturating_sub(1);
            if failures.n_failures == 0 {
                self.failures_by_key.remove(key);
            }
        }
    }

    /// Forgets every failure of `key`.
    pub fn forget(&mut self, key: &str) {
        self.failures_by_key.remove(key);
    }

    /// The number of keys being tracked.
    pub fn n_tracked_keys(&self) -> usize {
        self.failures_by_key.len()
    }

    fn current(&self, key: &str, now: Timestamp) -> Option<Failures> {
        let failures = self.failures_by_key.get(key)?;
        (failures.last_failure_at + self.policy.forget_after > now).then_some(*failures)
    }

    fn evict(&mut self, now: Timestamp) {
        let forget_after = self.policy.forget_after;
        self.failures_by_key.retain(|_, failures| failures.last_failure_at + forget_after > now);
        if self.failures_by_key.len() >= self.max_keys
            && let Some(stalest) = self
                .failures_by_key
                .iter()
                .min_by_key(|(_, failures)| failures.last_failure_at)
                .map(|(key, _)| key.clone())
        {
            self.failures_by_key.remove(&stalest);
        }
    }
}

/// The longest account or client key kept (an e-mail address has at most 254 characters).
pub const MAX_KEY_CHARS: usize = 320;

/// Who is guessing: the account (normalised login) and the client address, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    account: String,
    client: String,
}

impl Attempt {
    /// An attempt on `account` (an e-mail address; compared case-insensitively) from `client`. Keys are cut to
    /// [`MAX_KEY_CHARS`] characters: what is typed into a login form must not decide how much memory a counter holds.
    pub fn new(account: &str, client: &str) -> Self {
        let cut = |text: &str| text.chars().take(MAX_KEY_CHARS).collect::<String>();
        Self { account: cut(&account.trim().to_lowercase()), client: cut(client) }
    }

    fn account_and_client_key(&self) -> String {
        format!("{}\u{0}{}", self.account, self.client)
    }
}

/// The three counters of the module documentation, reserved and settled together.
#[derive(Debug)]
pub struct LoginThrottle {
    by_account_and_client: BackoffThrottle,
    by_account: BackoffThrottle,
    by_client: BackoffThrottle,
}

impl LoginThrottle {
    /// The policies of the module documentation, each tracking at most `max_keys` keys.
    pub fn new(max_keys: usize) -> Self {
        Self::with_policies(BackoffPolicy::ACCOUNT_AND_CLIENT, BackoffPolicy::ACCOUNT, BackoffPolicy::CLIENT, max_keys)
    }

    /// Other policies (tests).
    pub fn with_policies(
        account_and_client: BackoffPolicy,
        account: BackoffPolicy,
        client: BackoffPolicy,
        max_keys: usize,
    ) -> Self {
        Self {
            by_account_and_client: BackoffThrottle::new(account_and_client, max_keys),
            by_account: BackoffThrottle::new(account, max_keys),
            by_client: BackoffThrottle::new(client, max_keys),
        }
    }

    /// Reserves an attempt: `Ok` if all three counters allow it at `now`, and then it already counts as a failure
    /// on each; refused otherwise, with the latest of the times the refusing counters allow it again.
    pub fn reserve(&mut self, attempt: &Attempt, now: Timestamp) -> Result<(), Throttled> {
        let pair = attempt.account_and_client_key();
        let checks = [
            self.by_account_and_client.check(&pair, now),
            self.by_account.check(&attempt.account, now),
            self.by_client.check(&attempt.client, now),
        ];
        if let Some(retry_at) = checks.iter().filter_map(|check| check.err()).map(|refused| refused.retry_at).max() {
            return Err(Throttled { retry_at });
        }
        self.by_account_and_client.record_failure(&pair, now);
        self.by_account.record_failure(&attempt.account, now);
        self.by_client.record_failure(&attempt.client, now);
        Ok(())
    }

    /// The reserved attempt succeeded: forgets this client's failures on the account and refunds the reservation
    /// on the other two counters (others' failures stay counted).
    pub fn succeeded(&mut self, attempt: &Attempt) {
        self.by_account_and_client.forget(&attempt.account_and_client_key());
        self.by_account.refund(&attempt.account);
        self.by_client.refund(&attempt.client);
    }

    /// The reserved attempt never reached a password verdict (e.g. the database was unreachable): takes it back.
    pub fn abandoned(&mut self, attempt: &Attempt) {
        self.by_account_and_client.refund(&attempt.account_and_client_key());
        self.by_account.refund(&attempt.account);
        self.by_client.refund(&attempt.client);
    }

    /// The number of keys being tracked over all three counters.
    pub fn n_tracked_keys(&self) -> usize {
        self.by_account_and_client.n_tracked_keys() + self.by_account.n_tracked_keys() + self.by_client.n_tracked_keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + second).unwrap()
    }

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        let policy = BackoffPolicy::ACCOUNT_AND_CLIENT;
        let delays: Vec<i64> = (0..20).map(|n| policy.delay_after(n).as_secs()).collect();
        assert_eq!(&delays[..12], &[0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(delays[19], 900, "capped at 15 minutes");
        assert_eq!(policy.delay_after(u32::MAX), SignedDuration::from_mins(15), "no overflow");
    }

    #[test]
    fn a_reservation_counts_before_the_verdict() {
        let mut throttle = LoginThrottle::new(100);
        let attempt = Attempt::new("A@example.com", "192.0.2.1");
        let granted = (0..20).filter(|_| throttle.reserve(&attempt, at(0)).is_ok()).count();
        assert_eq!(granted, 5, "only the free attempts pass at one instant, whatever happens after");
        assert_eq!(throttle.reserve(&attempt, at(0)), Err(Throttled { retry_at: at(1) }));
        assert!(throttle.reserve(&attempt, at(1)).is_ok(), "after the first delay");
        assert_eq!(throttle.reserve(&attempt, at(1)), Err(Throttled { retry_at: at(3) }), "then twice as long");
    }

    #[test]
    fn others_failures_do_not_lock_the_owner_out() {
        let mut throttle = LoginThrottle::new(1_000);
        let owner = Attempt::new("owner@example.com", "198.51.100.7");
        for n in 0..5 {
            let attacker = Attempt::new("owner@example.com", "203.0.113.9");
            assert!(throttle.reserve(&attacker, at(n)).is_ok());
        }
        assert!(throttle.reserve(&Attempt::new("owner@example.com", "203.0.113.9"), at(4)).is_err());
        assert!(throttle.reserve(&owner, at(4)).is_ok(), "the owner's own client is not throttled");
        throttle.succeeded(&owner);
    }

    #[test]
    fn many_clients_on_one_account_are_slowed_below_100_failures_an_hour() {
        let mut throttle = LoginThrottle::new(10_000);
        let mut n_granted = 0;
        for second in 0..3_600 {
            let attempt = Attempt::new("victim@example.com", &format!("10.0.{}.{}", second / 256, second % 256));
            if throttle.reserve(&attempt, at(second)).is_ok() {
                n_granted += 1;
            }
        }
        assert!(n_granted < 100, "{n_granted} failures in an hour");
    }

    #[test]
    fn success_forgets_the_pair_and_refunds_the_rest() {
        let mut throttle = LoginThrottle::new(100);
        let attempt = Attempt::new("a@example.com", "192.0.2.1");
        for _ in 0..4 {
            throttle.reserve(&attempt, at(0)).unwrap();
        }
        throttle.reserve(&attempt, at(0)).unwrap();
        throttle.succeeded(&attempt);
        for _ in 0..5 {
            assert!(throttle.reserve(&attempt, at(1)).is_ok(), "five free attempts again");
        }
        assert_eq!(throttle.by_account.n_failures("a@example.com", at(1)), 9, "four failures + five new");
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_period() {
        let mut throttle = BackoffThrottle::new(BackoffPolicy::ACCOUNT, 10);
        for _ in 0..60 {
            throttle.record_failure("k", at(0));
        }
        assert!(throttle.check("k", at(10)).is_err());
        assert!(throttle.check("k", at(3_600)).is_ok());
        assert_eq!(throttle.n_failures("k", at(3_600)), 0);
    }

    #[test]
    fn typed_text_does_not_decide_the_memory_a_key_holds() {
        let attempt = Attempt::new(&"a".repeat(1_000_000), "192.0.2.1");
        assert_eq!(attempt.account.chars().count(), MAX_KEY_CHARS);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut throttle = LoginThrottle::new(10);
        for n in 0..1_000 {
            let _ = throttle.reserve(&Attempt::new(&format!("u{n}@example.com"), &format!("ip:{n}")), at(0));
        }
        assert!(throttle.n_tracked_keys() <= 30);
    }
}
