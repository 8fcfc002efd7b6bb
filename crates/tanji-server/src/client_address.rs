//! Who is asking: the peer's address, or, when the peer is a trusted reverse proxy, the client that proxy names in
//! `X-Forwarded-For`. Used wherever the client matters (the login throttle), so that behind a proxy clients are not
//! all one address, and without one nobody can pick their own address by sending the header.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;

use crate::state::AppState;

/// The client's address: the peer, unless the peer is one of `trusted_proxies`; then the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the address it was reached from, so
/// only the entries added by our own proxies can be believed; anything left of them may be forged).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted_proxies.iter().any(|network| network.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        // An entry that is not an address ends what can be believed: the last trusted hop is the client.
        let Some(address) = parse_hop(hop) else { break };
        client = address;
        if !is_trusted(&address) {
            break;
        }
    }
    client
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// The requesting client's address, as [`client_address`] decides it.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>().copied().ok_or_else(|| {
            tracing::error!("no peer address: serve the app with into_make_service_with_connect_info");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })?;
        Ok(ClientAddress(client_address(peer.ip(), &parts.headers, &state.config().trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(peer: &str, forwarded: &[&str], trusted: &[&str], expect: &str) {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|network| network.parse().unwrap()).collect();
        let client = client_address(peer.parse().unwrap(), &headers, &trusted);
        assert_eq!(client, expect.parse::<IpAddr>().unwrap(), "peer {peer}, X-Forwarded-For {forwarded:?}");
    }

    #[test]
    fn the_header_is_believed_only_from_trusted_proxies() {
        // No proxy configured: the header is anyone's to forge.
        check("203.0.113.5", &["198.51.100.1"], &[], "203.0.113.5");
        // An untrusted peer sending the header.
        check("203.0.113.5", &["198.51.100.1"], &["10.0.0.0/8"], "203.0.113.5");
        // Behind our proxy.
        check("10.0.0.2", &["198.51.100.1"], &["10.0.0.0/8"], "198.51.100.1");
        // A client forging entries to the left of what our proxy appended.
        check("10.0.0.2", &["1.1.1.1, 198.51.100.1"], &["10.0.0.0/8"], "198.51.100.1");
        // Two of our proxies in a row, header split over two lines.
        check("10.0.0.2", &["1.1.1.1, 198.51.100.1", "10.0.0.9"], &["10.0.0.0/8"], "198.51.100.1");
        // Garbage where an address should be: the last believable hop.
        check("10.0.0.2", &["198.51.100.1, not-an-address"], &["10.0.0.0/8"], "10.0.0.2");
        // IPv6 and ports.
        check("::1", &["[2001:db8::7]:4711"], &["::1/128"], "2001:db8::7");
        // The proxy sends no header at all.
        check("10.0.0.2", &[], &["10.0.0.0/8"], "10.0.0.2");
    }
}
