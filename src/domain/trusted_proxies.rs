//! Whose `X-Forwarded-For` to believe (`NORMREG_TRUSTED_PROXIES`), and the client address
//! that follows: the one rule every rate limit and the login throttle key on.

use std::net::IpAddr;

/// One address or network (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(raw: &str) -> Result<Self, String> {
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let base: IpAddr =
            addr.parse().map_err(|_| format!("`{raw}` is not an IP address or CIDR network"))?;
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("`{raw}`: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Self { base, prefix })
    }

    fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        match (self.base, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, how a dual-stack socket reports
/// IPv4 peers) is the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// A comma- or space-separated list of addresses and CIDR networks; every fault named.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        let mut faults = Vec::new();
        for item in raw.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            match Network::parse(item) {
                Ok(n) => networks.push(n),
                Err(e) => faults.push(e),
            }
        }
        if faults.is_empty() {
            Ok(Self(networks))
        } else {
            Err(faults.join("; "))
        }
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(addr))
    }

    /// The client of a request from `peer` carrying the `X-Forwarded-For` values `forwarded`
    /// (each header line in order). Only a trusted peer's header is read, from the right (the
    /// hop nearest to us), passing over further trusted proxies: the first address not
    /// trusted is the client. Anything left of it was written by the client and may be a lie.
    /// A malformed entry ends the walk at the last address known to be real.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded.iter().flat_map(|line| line.split(',')).map(str::trim);
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Ok(addr) = hop.parse::<IpAddr>() else {
                return client;
            };
            client = canonical(addr);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn addresses_and_networks_of_both_families_parse_and_faults_are_named() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 ::1 fd00::/8").expect("parses");
        assert!(t.trusts(ip("10.200.3.4")) && t.trusts(ip("::1")) && t.trusts(ip("fd12::1")));
        assert!(t.trusts(ip("::ffff:127.0.0.1")), "IPv4 seen through a dual-stack socket");
        assert!(!t.trusts(ip("11.0.0.1")) && !t.trusts(ip("127.0.0.2")));
        let e = TrustedProxies::parse("10.0.0.0/33, proxy.example").unwrap_err();
        assert!(e.contains("10.0.0.0/33") && e.contains("proxy.example"), "{e}");
        assert_eq!(TrustedProxies::parse("").expect("empty"), TrustedProxies::default());
        assert!(TrustedProxies::parse("0.0.0.0/0").expect("all").trusts(ip("8.8.8.8")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let t = TrustedProxies::parse("127.0.0.1").expect("parses");
        assert_eq!(t.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"));
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), &["1.2.3.4"]),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_trusted_proxy_chain_is_walked_from_the_right_to_the_first_untrusted_hop() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").expect("parses");
        // The client lied about 6.6.6.6; the proxies appended what they saw.
        let forwarded = ["6.6.6.6, 198.51.100.7", "10.1.1.1"];
        assert_eq!(t.client(ip("127.0.0.1"), &forwarded), ip("198.51.100.7"));
        assert_eq!(t.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"), "no header: the peer");
        assert_eq!(t.client(ip("127.0.0.1"), &["10.0.0.2"]), ip("10.0.0.2"), "all trusted");
        assert_eq!(t.client(ip("127.0.0.1"), &["junk, 10.0.0.3"]), ip("10.0.0.3"));
        assert_eq!(t.client(ip("127.0.0.1"), &["1.2.3.4, junk"]), ip("127.0.0.1"));
    }
}
