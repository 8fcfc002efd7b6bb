//! Waiting for something a spawned process does (a server subscribing, storing part of a stream).

use std::time::{Duration, Instant};

/// Polls `done` every 20 ms until it is true; panics naming `what` after `seconds`.
pub async fn wait_until(what: &str, seconds: u64, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
