//! ACME's control-plane records, as the store keeps them: binding keys, accounts and
//! orders (with their authorizations). Plain data plus the pure rules that move an order
//! along (the server is `crate::acme`); the store applies whole records, so every
//! coordinator reaches the same state.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::config::limits::Cidr;

/// An external account binding key, made by an admin. Its HMAC secret is not stored: every
/// coordinator derives it from the CA key and the key id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EabKey {
    pub key_id: String,
    /// What the bound account may get certificates for (see [`Patterns`]).
    pub names: Vec<String>,
    pub created_at: i64,
    pub created_by: String,
    /// The key binds no account after this.
    pub expires_at: i64,
    pub max_validity_secs: u64,
    /// The account it bound (a key binds one).
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Valid,
    Deactivated,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Valid => "valid",
            AccountStatus::Deactivated => "deactivated",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// The account key as a JWK, public members only (`acme::jws::PublicJwk`).
    pub key: serde_json::Value,
    pub thumbprint: String,
    pub status: AccountStatus,
    pub key_id: String,
    pub names: Vec<String>,
    pub max_validity_secs: u64,
    pub contact: Vec<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    #[serde(rename = "type")]
    pub kind: IdentifierKind,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentifierKind {
    Dns,
    Ip,
}

impl Identifier {
    /// Checks and normalises a requested identifier: lower-case DNS names of valid labels
    /// (no wildcards: `http-01` cannot prove them), IP addresses in canonical form.
    pub fn normalised(&self) -> Result<Identifier, String> {
        match self.kind {
            IdentifierKind::Ip => {
                let ip: IpAddr = self
                    .value
                    .parse()
                    .map_err(|_| format!("`{}` is not an IP address", self.value))?;
                Ok(Identifier {
                    kind: IdentifierKind::Ip,
                    value: ip.to_canonical().to_string(),
                })
            }
            IdentifierKind::Dns => {
                let name = self.value.trim_end_matches('.').to_ascii_lowercase();
                if name.starts_with("*.") {
                    return Err(format!(
                        "`{name}`: wildcard names need dns-01, which this server does not offer"
                    ));
                }
                if name.parse::<IpAddr>().is_ok() {
                    return Err(format!("`{name}` is an IP address: use the ip type"));
                }
                let label_ok = |l: &str| {
                    !l.is_empty()
                        && l.len() <= 63
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                };
                if name.len() > 253 || !name.split('.').all(label_ok) {
                    return Err(format!("`{}` is not a valid DNS name", self.value));
                }
                Ok(Identifier {
                    kind: IdentifierKind::Dns,
                    value: name,
                })
            }
        }
    }
}

/// An account's allowed names: exact DNS names, `*.suffix` (any name under `suffix`, at any
/// depth, not `suffix` itself), IP addresses and CIDRs. `*` alone allows every DNS name.
#[derive(Debug, Clone)]
pub struct Patterns(Vec<Pattern>);

#[derive(Debug, Clone)]
enum Pattern {
    Exact(String),
    Under(String),
    AnyName,
    Net(Cidr),
}

impl Patterns {
    pub fn parse(list: &[String]) -> Result<Patterns, String> {
        list.iter()
            .map(|raw| {
                let p = raw.trim().to_ascii_lowercase();
                if p == "*" {
                    return Ok(Pattern::AnyName);
                }
                if p.parse::<IpAddr>().is_ok() || p.contains('/') {
                    return Cidr::parse(&p).map(Pattern::Net).map_err(|e| e.to_string());
                }
                let (under, name) = match p.strip_prefix("*.") {
                    Some(rest) => (true, rest),
                    None => (false, p.as_str()),
                };
                Identifier {
                    kind: IdentifierKind::Dns,
                    value: name.to_string(),
                }
                .normalised()
                .map_err(|e| format!("pattern {e}"))?;
                Ok(if under {
                    Pattern::Under(name.to_string())
                } else {
                    Pattern::Exact(name.to_string())
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Patterns)
    }

    /// `id` must be normalised.
    pub fn allows(&self, id: &Identifier) -> bool {
        self.0.iter().any(|p| match (p, id.kind) {
            (Pattern::AnyName, IdentifierKind::Dns) => true,
            (Pattern::Exact(n), IdentifierKind::Dns) => *n == id.value,
            (Pattern::Under(suffix), IdentifierKind::Dns) => id
                .value
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            (Pattern::Net(net), IdentifierKind::Ip) => {
                id.value.parse::<IpAddr>().is_ok_and(|ip| net.contains(ip))
            }
            _ => false,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Processing,
    Ready,
    Valid,
    Invalid,
    Deactivated,
    Expired,
}

/// A problem recorded on a failed challenge or order (shown to the client).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authz {
    pub identifier: Identifier,
    /// pending, valid, invalid or deactivated.
    pub status: Status,
    pub token: String,
    /// The `http-01` challenge: pending, valid or invalid.
    pub challenge: Status,
    pub validated_at: Option<i64>,
    pub error: Option<RecordedProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub account_id: String,
    /// Moves with every change; the store refuses a change made from an older version.
    pub version: u64,
    pub identifiers: Vec<Identifier>,
    pub authorizations: Vec<Authz>,
    pub created_at: i64,
    pub expires_at: i64,
    /// The validity the client asked for, in seconds from issuance (capped by the account).
    pub validity_secs: u64,
    pub cert_serial: Option<String>,
    pub error: Option<RecordedProblem>,
}

impl Order {
    /// The order's status, from its authorizations (RFC 8555 7.1.6).
    pub fn status(&self, now: i64) -> Status {
        if self.cert_serial.is_some() {
            return Status::Valid;
        }
        if self.error.is_some()
            || self
                .authorizations
                .iter()
                .any(|a| matches!(a.status, Status::Invalid | Status::Deactivated))
        {
            return Status::Invalid;
        }
        if now >= self.expires_at {
            return Status::Expired;
        }
        if self
            .authorizations
            .iter()
            .all(|a| a.status == Status::Valid)
        {
            Status::Ready
        } else {
            Status::Pending
        }
    }

    /// The next version with authorization `n`'s challenge decided.
    pub fn with_challenge_result(
        &self,
        n: usize,
        now: i64,
        result: Result<(), RecordedProblem>,
    ) -> Option<Order> {
        let mut next = self.clone();
        let authz = next.authorizations.get_mut(n)?;
        match result {
            Ok(()) => {
                authz.status = Status::Valid;
                authz.challenge = Status::Valid;
                authz.validated_at = Some(now);
                authz.error = None;
            }
            Err(problem) => {
                authz.status = Status::Invalid;
                authz.challenge = Status::Invalid;
                authz.error = Some(problem);
            }
        }
        next.version += 1;
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dns(v: &str) -> Identifier {
        Identifier {
            kind: IdentifierKind::Dns,
            value: v.into(),
        }
    }

    fn ip(v: &str) -> Identifier {
        Identifier {
            kind: IdentifierKind::Ip,
            value: v.into(),
        }
    }

    #[test]
    fn patterns_allow_what_they_name_and_nothing_else() {
        let p = Patterns::parse(&[
            "*.svc.internal".into(),
            "web.example".into(),
            "10.0.0.0/8".into(),
            "192.0.2.7".into(),
        ])
        .unwrap();
        assert!(p.allows(&dns("a.svc.internal")));
        assert!(p.allows(&dns("a.b.svc.internal")));
        assert!(!p.allows(&dns("svc.internal")));
        assert!(!p.allows(&dns("evilsvc.internal")));
        assert!(p.allows(&dns("web.example")));
        assert!(!p.allows(&dns("www.web.example")));
        assert!(p.allows(&ip("10.1.2.3")));
        assert!(p.allows(&ip("192.0.2.7")));
        assert!(!p.allows(&ip("192.0.2.8")));
        assert!(!p.allows(&dns("10.1.2.3")));
        assert!(Patterns::parse(&["*".into()]).unwrap().allows(&dns("x.y")));
        assert!(Patterns::parse(&["bad name!".into()]).is_err());
        assert!(Patterns::parse(&["10.0.0.0/99".into()]).is_err());
    }

    #[test]
    fn identifiers_are_normalised_or_refused() {
        assert_eq!(
            dns("Web.Example.").normalised().unwrap(),
            dns("web.example")
        );
        assert_eq!(
            ip("::ffff:192.0.2.1").normalised().unwrap(),
            ip("192.0.2.1")
        );
        assert!(dns("*.example").normalised().is_err());
        assert!(dns("-a.example").normalised().is_err());
        assert!(dns("192.0.2.1").normalised().is_err());
        assert!(ip("example").normalised().is_err());
    }

    #[test]
    fn an_order_is_ready_when_every_authorization_is_valid() {
        let authz = |id: Identifier| Authz {
            identifier: id,
            status: Status::Pending,
            token: "t".into(),
            challenge: Status::Pending,
            validated_at: None,
            error: None,
        };
        let order = Order {
            id: "o".into(),
            account_id: "a".into(),
            version: 1,
            identifiers: vec![dns("a.example"), ip("192.0.2.1")],
            authorizations: vec![authz(dns("a.example")), authz(ip("192.0.2.1"))],
            created_at: 0,
            expires_at: 100,
            validity_secs: 60,
            cert_serial: None,
            error: None,
        };
        assert_eq!(order.status(10), Status::Pending);
        let one = order.with_challenge_result(0, 10, Ok(())).unwrap();
        assert_eq!((one.status(10), one.version), (Status::Pending, 2));
        let both = one.with_challenge_result(1, 11, Ok(())).unwrap();
        assert_eq!(both.status(11), Status::Ready);
        assert_eq!(both.status(100), Status::Expired);
        let failed = one
            .with_challenge_result(
                1,
                11,
                Err(RecordedProblem {
                    kind: "x".into(),
                    detail: "y".into(),
                }),
            )
            .unwrap();
        assert_eq!(failed.status(11), Status::Invalid);
        assert!(order.with_challenge_result(5, 0, Ok(())).is_none());
    }
}
