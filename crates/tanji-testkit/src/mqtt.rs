//! The MQTT broker the ingestion tests publish to: Mosquitto on 127.0.0.1:1883 unless `TANJI_TEST_MQTT_ADDRESS`
//! names another. When it does not answer, the tests that need it do not run — unless `TANJI_TEST_REQUIRE_MQTT` is
//! set (as `.ci/run` does), in which case they fail, so CI can never pass by skipping.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The broker's `HOST:PORT`, when not the default.
pub const MQTT_ADDRESS_VARIABLE: &str = "TANJI_TEST_MQTT_ADDRESS";
/// When set, a broker that does not answer fails the tests instead of skipping them.
pub const REQUIRE_MQTT_VARIABLE: &str = "TANJI_TEST_REQUIRE_MQTT";
/// Where Mosquitto listens by default.
pub const DEFAULT_MQTT_ADDRESS: &str = "127.0.0.1:1883";

/// The broker's host and port if it accepts connections; `None` (the test should return) if it does not and it is
/// not required; a panic naming the fix if it is required.
pub fn mqtt_broker() -> Option<(String, u16)> {
    let address = std::env::var(MQTT_ADDRESS_VARIABLE).ok().filter(|text| !text.is_empty());
    let address = address.as_deref().unwrap_or(DEFAULT_MQTT_ADDRESS);
    let resolved: Option<SocketAddr> = address.to_socket_addrs().ok().and_then(|mut addresses| addresses.next());
    let answers = resolved.is_some_and(|socket| TcpStream::connect_timeout(&socket, Duration::from_secs(2)).is_ok());
    if !answers {
        assert!(
            std::env::var_os(REQUIRE_MQTT_VARIABLE).is_none(),
            "{REQUIRE_MQTT_VARIABLE} is set but no MQTT broker answers at {address}\n\
             hint: start Mosquitto (`/usr/sbin/mosquitto -d`, or `apt-get install -y mosquitto`), or set \
             {MQTT_ADDRESS_VARIABLE}=HOST:PORT"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: no MQTT broker answers at {address}; this test did not run");
        }
        return None;
    }
    let socket = resolved.expect("it answered");
    Some((socket.ip().to_string(), socket.port()))
}
