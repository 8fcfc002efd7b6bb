//! Login throttling: after too many failed logins for one key (an account, or a client address) within a window,
//! further attempts are refused until the oldest failure leaves the window.
//!
//! Pure and clock-free: the caller passes `now`, so tests step time instead of sleeping.

use std::collections::{HashMap, VecDeque};

use jiff::{SignedDuration, Timestamp};

/// A sliding-window failure counter per key.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: SignedDuration,
    max_keys: usize,
    failures_by_key: HashMap<String, VecDeque<Timestamp>>,
}

/// Refused: too many recent failures; attempts are accepted again from `retry_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts; try again after {retry_at}")]
pub struct Throttled {
    /// When the next attempt will be accepted.
    pub retry_at: Timestamp,
}

impl LoginThrottle {
    /// Allows `max_failures` failures per key within `window`. At most `max_keys` keys are tracked; beyond that the
    /// keys whose failures have all left the window are forgotten first, then the stalest, so memory stays bounded
    /// even under a flood of attempts from many addresses.
    pub fn new(max_failures: usize, window: SignedDuration, max_keys: usize) -> Self {
        assert!(max_failures > 0, "a throttle that refuses everything is a configuration error");
        Self { max_failures, window, max_keys, failures_by_key: HashMap::new() }
    }

    /// `Ok` if an attempt for `key` may proceed at `now`.
    pub fn check(&self, key: &str, now: Timestamp) -> Result<(), Throttled> {
        let Some(failures) = self.failures_by_key.get(key) else { return Ok(()) };
        let recent: Vec<&Timestamp> = failures.iter().filter(|failed_at| **failed_at + self.window > now).collect();
        if recent.len() < self.max_failures {
            return Ok(());
        }
        // The attempt is allowed again when enough failures have aged out to fall below the limit.
        let unlocking_failure = recent[recent.len() - self.max_failures];
        Err(Throttled { retry_at: *unlocking_failure + self.window })
    }

    /// Records a failed attempt for `key` at `now`.
    pub fn record_failure(&mut self, key: &str, now: Timestamp) {
        if !self.failures_by_key.contains_key(key) && self.failures_by_key.len() >= self.max_keys {
            self.forget_stale_keys(now);
        }
        let failures = self.failures_by_key.entry(key.to_owned()).or_default();
        failures.push_back(now);
        while failures.len() > self.max_failures {
            failures.pop_front();
        }
    }

    /// Forgets the failures of `key`, after a successful login.
    pub fn record_success(&mut self, key: &str) {
        self.failures_by_key.remove(key);
    }

    /// The number of keys being tracked.
    pub fn n_tracked_keys(&self) -> usize {
        self.failures_by_key.len()
    }

    fn forget_stale_keys(&mut self, now: Timestamp) {
        let window = self.window;
        self.failures_by_key.retain(|_, failures| failures.back().is_some_and(|last| *last + window > now));
        if self.failures_by_key.len() >= self.max_keys {
            let stalest = self
                .failures_by_key
                .iter()
                .min_by_key(|(_, failures)| failures.back().copied())
                .map(|(key, _)| key.clone());
            if let Some(key) = stalest {
                self.failures_by_key.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    #[test]
    fn locks_after_the_limit_and_unlocks_as_failures_age_out() {
        let mut throttle = LoginThrottle::new(3, SignedDuration::from_mins(15), 100);
        for minute in [0, 1, 2] {
            assert!(throttle.check("account:a", at(minute)).is_ok());
            throttle.record_failure("account:a", at(minute));
        }
        assert_eq!(throttle.check("account:a", at(3)), Err(Throttled { retry_at: at(15) }));
        assert!(throttle.check("account:b", at(3)).is_ok(), "other keys are unaffected");
        assert!(throttle.check("account:a", at(15)).is_ok(), "the first failure has left the window");
        throttle.record_failure("account:a", at(15));
        assert_eq!(throttle.check("account:a", at(15)), Err(Throttled { retry_at: at(16) }));
    }

    #[test]
    fn success_clears_the_count() {
        let mut throttle = LoginThrottle::new(2, SignedDuration::from_mins(15), 100);
        throttle.record_failure("k", at(0));
        throttle.record_success("k");
        throttle.record_failure("k", at(1));
        assert!(throttle.check("k", at(1)).is_ok());
    }

    #[test]
    fn memory_stays_bounded() {
        let mut throttle = LoginThrottle::new(5, SignedDuration::from_mins(15), 10);
        for n in 0..1_000 {
            throttle.record_failure(&format!("ip:{n}"), at(0));
        }
        assert!(throttle.n_tracked_keys() <= 10);
    }
}
