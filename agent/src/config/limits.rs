//! The overload settings: connection pools and timeouts, request budgets per route class,
//! trusted proxies. Out-of-range numbers and unknown classes are refused while parsing, so
//! the error carries the file and line.

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Requests per minute and burst of one route class, per caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

/// The route classes that have a request budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// `POST /v1/auth/login`, per source address.
    Login,
    /// Reads (`GET`) by an operator.
    Read,
    /// State changes (`POST`, `PUT`, `DELETE`) by an operator.
    Write,
    /// Node-to-node routes, per node.
    Node,
    /// `POST /v1/enroll`, per source address and per token.
    Enroll,
}

impl Class {
    pub const ALL: [Class; 5] = [
        Class::Login,
        Class::Read,
        Class::Write,
        Class::Node,
        Class::Enroll,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Login => "login",
            Class::Read => "read",
            Class::Write => "write",
            Class::Node => "node",
            Class::Enroll => "enroll",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitsConfig {
    /// Connections without a node certificate (operators, browsers, anyone).
    pub max_connections: usize,
    pub max_connections_per_source: usize,
    /// Connections with a node certificate: a pool of their own.
    pub max_node_connections: usize,
    /// A connection that sends no request this long after it opened (or no header within
    /// it) is closed.
    pub request_header_timeout: Duration,
    /// A connection with no request in flight is closed after this long.
    pub idle_connection_timeout: Duration,
    /// Request budgets on; off only behind a gateway that limits for us.
    pub rate_limiting: bool,
    pub login: Rate,
    pub read: Rate,
    pub write: Rate,
    pub node: Rate,
    pub enroll: Rate,
    /// Concurrent log follows (and, later, WebSockets) per caller.
    pub streams_per_caller: u32,
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<Cidr>,
    /// Password checks that run at once; 0: one per core.
    pub max_concurrent_logins: usize,
    /// Callers tracked per class before new source addresses share one budget.
    pub max_tracked_callers: usize,
}

impl LimitsConfig {
    pub fn rate(&self, class: Class) -> Rate {
        match class {
            Class::Login => self.login,
            Class::Read => self.read,
            Class::Write => self.write,
            Class::Node => self.node,
            Class::Enroll => self.enroll,
        }
    }
}

/// The built-in budget of each class that `rate_limit_rpc_*` does not set.
pub const DEFAULT_LOGIN: Rate = Rate {
    per_minute: 20,
    burst: 10,
};
pub const DEFAULT_NODE: Rate = Rate {
    per_minute: 12_000,
    burst: 2_000,
};
pub const DEFAULT_ENROLL: Rate = Rate {
    per_minute: 30,
    burst: 10,
};
pub const DEFAULT_STREAMS_PER_CALLER: u32 = 8;

/// `rate_limits:` in the file: per class, what differs from the defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsFile {
    pub login: Option<RateOverride>,
    pub read: Option<RateOverride>,
    pub write: Option<RateOverride>,
    pub node: Option<RateOverride>,
    pub enroll: Option<RateOverride>,
    pub stream: Option<StreamOverride>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateOverride {
    /// Per minute.
    #[serde(default, deserialize_with = "de_requests")]
    pub requests: Option<u32>,
    #[serde(default, deserialize_with = "de_burst")]
    pub burst: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamOverride {
    #[serde(deserialize_with = "de_concurrent")]
    pub concurrent: u32,
}

impl RateOverride {
    pub fn over(self, base: Rate) -> Rate {
        Rate {
            per_minute: self.requests.unwrap_or(base.per_minute),
            burst: self.burst.unwrap_or(base.burst),
        }
    }
}

pub const MAX_REQUESTS_PER_MINUTE: u32 = 6_000_000;
pub const MAX_BURST: u32 = 1_000_000;

fn ranged<'de, D: Deserializer<'de>>(d: D, max: u32, what: &str) -> Result<u32, D::Error> {
    let v = u64::deserialize(d)?;
    if v == 0 || v > u64::from(max) {
        return Err(serde::de::Error::custom(format!(
            "{what} must be between 1 and {max}, not {v}"
        )));
    }
    Ok(v as u32)
}

pub(crate) fn de_requests<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    ranged(d, MAX_REQUESTS_PER_MINUTE, "requests (per minute)").map(Some)
}

pub(crate) fn de_burst<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    ranged(d, MAX_BURST, "burst").map(Some)
}

fn de_concurrent<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    ranged(d, 10_000, "concurrent (streams per caller)")
}

/// `rate_limit_rpc_requests`: like `requests` but required.
pub(crate) fn de_rpc_requests<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    ranged(
        d,
        MAX_REQUESTS_PER_MINUTE,
        "rate_limit_rpc_requests (per minute)",
    )
}

pub(crate) fn de_rpc_burst<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    ranged(d, MAX_BURST, "rate_limit_rpc_burst")
}

/// An address block, `192.0.2.0/24`, `2001:db8::/32` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address block `{0}`: write e.g. 192.0.2.0/24, 2001:db8::/32 or 192.0.2.7")]
pub struct BadCidr(pub String);

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, BadCidr> {
        let bad = || BadCidr(s.to_string());
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cidr::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_blocks() {
        let net = Cidr::parse("192.0.2.0/24").unwrap();
        assert!(net.contains("192.0.2.77".parse().unwrap()));
        assert!(net.contains("::ffff:192.0.2.1".parse().unwrap()));
        assert!(!net.contains("198.51.100.1".parse().unwrap()));
        let one = Cidr::parse("203.0.113.9").unwrap();
        assert!(one.contains("203.0.113.9".parse().unwrap()));
        assert!(!one.contains("203.0.113.10".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("192.0.2.1".parse().unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        for bad in ["192.0.2.0/33", "192.0.2/24", "proxy.example", "::/129", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }
}
