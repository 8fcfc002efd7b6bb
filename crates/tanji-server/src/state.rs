//! What every request handler shares: the store, the configuration, the login throttle.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tanji_store::Store;
use tanji_tenancy::throttle::LoginThrottle;

/// A demo account shown on the login page of `tanji demo`.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    /// The login.
    pub email: String,
    /// Who this is, in Chinese.
    pub description_zh: String,
    /// Who this is, in English.
    pub description_en: String,
}

/// The demo accounts and their shared password, shown on the login page when serving the demo.
#[derive(Clone, Debug)]
pub struct DemoLogins {
    /// The password of every demo account.
    pub password: String,
    /// The accounts.
    pub accounts: Vec<DemoAccount>,
}

/// How the server presents itself.
#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (and use the `__Host-` prefix): on when serving TLS or behind an HTTPS proxy.
    pub secure_cookies: bool,
    /// The address people reach the console at, e.g. `https://tanji.example.com`, for links the server hands out
    /// (label QR codes, invitation links). Without it, links are built from [`Self::listen_address`].
    pub public_url: Option<String>,
    /// The address the server listens on (after binding, so port 0 is resolved): the links' fall-back when
    /// `public_url` is not set. Never taken from a request.
    pub listen_address: Option<SocketAddr>,
    /// The demo accounts to list on the login page, when serving the demo data set.
    pub demo_logins: Option<DemoLogins>,
    /// Reverse proxies whose `X-Forwarded-For` is believed: requests from these addresses are attributed to the
    /// client the proxy names (see [`crate::client_address`]). Empty: every request is its peer's.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How often an open live-readings stream checks that its session still holds (not logged out, expired or
    /// removed from the organisation); `None`: [`crate::energy::live::SESSION_RECHECK`]. Tests make it short.
    pub live_session_recheck: Option<std::time::Duration>,
    /// Let the PACT host post its answers to partners' `http://` event endpoints (local conformance runs, tests);
    /// off by default: answers go to `https://` only.
    pub pact_allow_plain_http_callbacks: bool,
}

impl ServerConfig {
    /// The base URL of links the server hands out, without a trailing slash: the public URL, else the listen
    /// address (`https` when cookies are secure, which without a public URL means serving TLS), else
    /// `http://localhost`.
    pub fn base_url(&self) -> String {
        if let Some(public_url) = &self.public_url {
            return public_url.trim_end_matches('/').to_owned();
        }
        let scheme = if self.secure_cookies { "https" } else { "http" };
        match self.listen_address {
            Some(address) => format!("{scheme}://{address}"),
            None => format!("{scheme}://localhost"),
        }
    }
}

impl ServerConfig {
    /// Whether clients reach this server over HTTPS: it serves TLS, or its public URL is `https://` (a TLS-terminating
    /// proxy in front). The PACT host is mounted only then. This is what [`Self::secure_cookies`] records.
    pub fn reached_over_https(&self) -> bool {
        self.secure_cookies
    }

    /// The host of [`Self::base_url`] when no one else can reach it: a loopback address (`127.0.0.1`, `::1`,
    /// `localhost`) or an unspecified one (`0.0.0.0`, `::`). Label QR codes and invitation links built on it open
    /// nothing on a shopper's phone or a supplier's computer, so `tanji serve` and `tanji demo` warn about it.
    pub fn unreachable_link_host(&self) -> Option<String> {
        let base_url = self.base_url();
        let authority = base_url.split_once("://").map_or(base_url.as_str(), |(_, rest)| rest);
        let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let host = match authority.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
            None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
        };
        let lower = host.to_ascii_lowercase();
        let unreachable = lower == "localhost"
            || lower.ends_with(".localhost")
            || host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback() || address.is_unspecified());
        unreachable.then(|| host.to_owned())
    }
}

/// The most accounts, clients and pairs the login throttle tracks at once (each a few dozen bytes).
const MAX_THROTTLED_KEYS: usize = 100_000;

/// Shared by all handlers. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: ServerConfig,
    login_throttle: Mutex<LoginThrottle>,
    reading_hub: crate::energy::live::ReadingHub,
}

impl AppState {
    /// State over `store`, configured by `config`.
    pub fn new(store: Store, config: ServerConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                config,
                login_throttle: Mutex::new(LoginThrottle::new(MAX_THROTTLED_KEYS)),
                reading_hub: crate::energy::live::ReadingHub::new(),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Where stored meter readings are announced to the console's live view. Give a clone to every ingestion
    /// path that runs beside this server (the MQTT subscriber), so its readings reach the same pages.
    pub fn reading_hub(&self) -> &crate::energy::live::ReadingHub {
        &self.inner.reading_hub
    }

    /// The throttle of password guesses (login and password change); see [`tanji_tenancy::throttle`].
    pub(crate) fn login_throttle(&self) -> std::sync::MutexGuard<'_, LoginThrottle> {
        // A panic while holding this lock cannot leave the counters half-updated in a way that matters more than
        // refusing every login would, so a poisoned lock is used as it is.
        self.inner.login_throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("AppState").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(public_url: Option<&str>, listen: &str) -> ServerConfig {
        ServerConfig {
            public_url: public_url.map(str::to_owned),
            listen_address: Some(listen.parse().unwrap()),
            ..ServerConfig::default()
        }
    }

    #[test]
    fn links_on_a_loopback_or_unspecified_address_are_flagged() {
        for (public_url, listen, expected) in [
            (None, "127.0.0.1:8080", Some("127.0.0.1")),
            (None, "[::1]:8080", Some("::1")),
            (None, "0.0.0.0:8080", Some("0.0.0.0")),
            (None, "[::]:8080", Some("::")),
            (Some("http://localhost:8080"), "0.0.0.0:8080", Some("localhost")),
            (Some("http://app.localhost/"), "0.0.0.0:8080", Some("app.localhost")),
            (Some("http://127.0.0.2:9000/tanji"), "0.0.0.0:8080", Some("127.0.0.2")),
            (Some("https://tanji.example.cn"), "127.0.0.1:8080", None),
            (Some("http://192.168.1.20:8080"), "0.0.0.0:8080", None),
            (None, "192.168.1.20:8080", None),
            (Some("https://[2001:db8::1]:8443"), "[::]:8443", None),
        ] {
            assert_eq!(
                config(public_url, listen).unreachable_link_host().as_deref(),
                expected,
                "{public_url:?} listening on {listen}"
            );
        }
    }
}
