//! The NATS JetStream server the event-ingestion tests publish to: nats-server on 127.0.0.1:4222 unless
//! `TANJI_TEST_NATS_URL` names another (`nats://HOST:PORT`). When it does not answer, the tests that need it do not
//! run — unless `TANJI_TEST_REQUIRE_NATS` is set (as `.ci/run` does), in which case they fail, so CI can never pass
//! by skipping.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The server's `nats://HOST:PORT`, when not the default.
pub const NATS_URL_VARIABLE: &str = "TANJI_TEST_NATS_URL";
/// When set, a server that does not answer fails the tests instead of skipping them.
pub const REQUIRE_NATS_VARIABLE: &str = "TANJI_TEST_REQUIRE_NATS";
/// Where nats-server listens by default.
pub const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

/// The server's `nats://HOST:PORT` if it accepts connections; `None` (the test should return) if it does not and
/// it is not required; a panic naming the fix if it is required.
pub fn nats_server() -> Option<String> {
    let url = std::env::var(NATS_URL_VARIABLE).ok().filter(|text| !text.is_empty());
    let url = url.as_deref().unwrap_or(DEFAULT_NATS_URL).to_owned();
    let address = url.trim_start_matches("nats://").trim_end_matches('/');
    let resolved: Option<SocketAddr> = address.to_socket_addrs().ok().and_then(|mut addresses| addresses.next());
    let answers = resolved.is_some_and(|socket| TcpStream::connect_timeout(&socket, Duration::from_secs(2)).is_ok());
    if !answers {
        assert!(
            std::env::var_os(REQUIRE_NATS_VARIABLE).is_none(),
            "{REQUIRE_NATS_VARIABLE} is set but no NATS server answers at {url}\n\
             hint: start nats-server with JetStream (`nats-server -js -p 4222 &`, or `apt-get install -y nats-server`), \
             or set {NATS_URL_VARIABLE}=nats://HOST:PORT"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: no NATS server answers at {url}; this test did not run");
        }
        return None;
    }
    Some(url)
}
