//! Who is at the other end: the client's address, for the per-address limits on sign-in.
//!
//! `X-Forwarded-For` is anyone's to write. It is believed only when the connection comes from a
//! proxy the settings trust (`server.trusted_proxies`, none by default), and then only from the
//! right: each trusted proxy appends the address it saw, so the right-most hop that is not a
//! trusted proxy is the client; whatever stands left of it the client may have made up.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// These networks (a single address is a /32 or /128).
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most
    /// hop of `X-Forwarded-For` that is not a trusted proxy (or the left-most, when all are).
    pub fn client(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let values: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let mut client = peer;
        for hop in values.iter().rev().flat_map(|v| v.rsplit(',')).map(str::trim).filter(|h| !h.is_empty()) {
            // A hop that is not an address ends the trail: the last address believed answers.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// `192.0.2.7`, `2001:db8::1`, `192.0.2.7:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip())).ok().map(|ip| ip.to_canonical())
}

/// The limiter's key for a client: an IPv6 address by its /64 (one subscriber's network hands
/// out the rest of the 64 bits freely), an IPv4 address whole.
pub fn limit_key(client: Option<IpAddr>) -> String {
    match client {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => "unknown".into(),
    }
}

/// Whether a request came from this machine itself and through no proxy: the peer is a loopback
/// address and no forwarding header says it came from further away (a proxy on the same host
/// connects from loopback too).
pub fn from_this_machine(headers: &HeaderMap, peer: Option<IpAddr>) -> bool {
    let forwarded =
        ["x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host"].iter().any(|h| headers.contains_key(*h));
    !forwarded && peer.is_some_and(|p| p.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(&headers(&["203.0.113.9"]), ip("198.51.100.1")), ip("198.51.100.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let t = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
        let peer = ip("10.0.0.2");
        // The client wrote the first hop itself; the proxy appended what it saw.
        assert_eq!(t.client(&headers(&["1.2.3.4, 203.0.113.9"]), peer), ip("203.0.113.9"));
        assert_eq!(t.client(&headers(&["1.2.3.4", "203.0.113.9, 10.0.0.7"]), peer), ip("203.0.113.9"));
        assert_eq!(t.client(&headers(&["[2001:db8::5]:443"]), peer), ip("2001:db8::5"));
        assert_eq!(t.client(&headers(&["10.0.0.9"]), peer), ip("10.0.0.9"), "all trusted: the left-most");
        assert_eq!(t.client(&headers(&[]), peer), peer);
        assert_eq!(t.client(&headers(&["nonsense"]), peer), peer, "not an address: the proxy answers");
        // An untrusted peer's header is not read.
        assert_eq!(t.client(&headers(&["10.0.0.9"]), ip("198.51.100.1")), ip("198.51.100.1"));
        assert_eq!(t.client(&headers(&["203.0.113.9"]), ip("::ffff:10.0.0.2")), ip("203.0.113.9"), "mapped IPv4");
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_network() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("192.0.2.7")), "192.0.2.7");
    }

    #[test]
    fn the_machine_itself_is_loopback_without_forwarding_headers() {
        assert!(from_this_machine(&HeaderMap::new(), ip("127.0.0.1")));
        assert!(from_this_machine(&HeaderMap::new(), ip("::1")));
        assert!(!from_this_machine(&HeaderMap::new(), ip("192.0.2.7")));
        assert!(!from_this_machine(&headers(&["192.0.2.7"]), ip("127.0.0.1")), "a proxy on the same host");
        assert!(!from_this_machine(&HeaderMap::new(), None));
    }
}
