//! When does a node need a new certificate? A pure function of the certificate, what the
//! node is now (identity, addresses, host name) and the clock, so every trigger can be tested
//! with an injected time.

use std::net::IpAddr;
use std::time::Duration;

use p2p_shared::NodeIdentity;
use time::OffsetDateTime;

use crate::pki::ca::CertInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewReason {
    Missing,
    IdentityChanged,
    AddressNotCovered(IpAddr),
    HostnameNotCovered(String),
    /// The certificate lacks the coordinator role the node has (or has one it lost).
    RoleChanged,
    ExpiresSoon {
        days_left: i64,
    },
    /// An operator asked (`p2pctl cert renew`).
    Requested,
}

impl std::fmt::Display for RenewReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenewReason::Missing => write!(f, "no certificate yet"),
            RenewReason::IdentityChanged => write!(f, "node identity changed"),
            RenewReason::AddressNotCovered(ip) => {
                write!(f, "address {ip} is not in the certificate")
            }
            RenewReason::HostnameNotCovered(h) => {
                write!(f, "host name {h} is not in the certificate")
            }
            RenewReason::RoleChanged => write!(f, "the certificate does not carry the node's role"),
            RenewReason::ExpiresSoon { days_left } => {
                write!(f, "certificate expires in {days_left} days")
            }
            RenewReason::Requested => write!(f, "an operator asked for it"),
        }
    }
}

/// What the node's certificate should cover right now.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    pub identity: &'a NodeIdentity,
    pub ips: &'a [IpAddr],
    pub hostname: Option<&'a str>,
    /// The node is a coordinator: its certificate must say so.
    pub coordinator: bool,
}

pub fn renewal_reason(
    cert: Option<&CertInfo>,
    wanted: &Wanted<'_>,
    now: OffsetDateTime,
    renew_before: Duration,
) -> Option<RenewReason> {
    let Some(cert) = cert else {
        return Some(RenewReason::Missing);
    };
    if cert.identity.as_ref() != Some(wanted.identity) {
        return Some(RenewReason::IdentityChanged);
    }
    if cert.coordinator != wanted.coordinator {
        return Some(RenewReason::RoleChanged);
    }
    if let Some(ip) = wanted.ips.iter().find(|ip| !cert.ips.contains(ip)) {
        return Some(RenewReason::AddressNotCovered(*ip));
    }
    if let Some(h) = wanted.hostname
        && !cert.dns_names.iter().any(|d| d.eq_ignore_ascii_case(h))
    {
        return Some(RenewReason::HostnameNotCovered(h.to_string()));
    }
    let left = cert.not_after - now;
    if left < renew_before {
        return Some(RenewReason::ExpiresSoon {
            days_left: left.whole_days(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86400);

    fn cert(now: OffsetDateTime) -> CertInfo {
        CertInfo {
            serial_hex: "01".into(),
            not_before: now,
            not_after: now + 90 * DAY,
            ips: vec![IpAddr::from([192, 0, 2, 1])],
            dns_names: vec!["w1".into()],
            identity: Some(NodeIdentity::new("c", "w1")),
            coordinator: false,
        }
    }

    #[test]
    fn a_coordinator_without_the_role_in_its_certificate_renews() {
        let now = OffsetDateTime::UNIX_EPOCH + 1000 * DAY;
        let id = NodeIdentity::new("c", "w1");
        let ips = [IpAddr::from([192, 0, 2, 1])];
        let wanted = Wanted {
            identity: &id,
            ips: &ips,
            hostname: None,
            coordinator: true,
        };
        assert_eq!(
            renewal_reason(Some(&cert(now)), &wanted, now, 30 * DAY),
            Some(RenewReason::RoleChanged)
        );
        let mut with_role = cert(now);
        with_role.coordinator = true;
        assert_eq!(
            renewal_reason(Some(&with_role), &wanted, now, 30 * DAY),
            None
        );
    }

    #[test]
    fn thirty_day_rule_with_injected_clock() {
        let issued = OffsetDateTime::UNIX_EPOCH + 1000 * DAY;
        let id = NodeIdentity::new("c", "w1");
        let ips = [IpAddr::from([192, 0, 2, 1])];
        let wanted = Wanted {
            identity: &id,
            ips: &ips,
            hostname: Some("w1"),
            coordinator: false,
        };
        let c = cert(issued);
        let at = |days: u32| renewal_reason(Some(&c), &wanted, issued + days * DAY, 30 * DAY);
        assert_eq!(at(0), None);
        assert_eq!(at(59), None);
        assert_eq!(at(60), None, "exactly 30 days left is still fine");
        assert_eq!(at(61), Some(RenewReason::ExpiresSoon { days_left: 29 }));
        assert_eq!(at(100), Some(RenewReason::ExpiresSoon { days_left: -10 }));
    }

    #[test]
    fn every_other_trigger() {
        let now = OffsetDateTime::UNIX_EPOCH + 1000 * DAY;
        let c = cert(now);
        let id = NodeIdentity::new("c", "w1");
        let ips = [IpAddr::from([192, 0, 2, 1])];
        let new_ip = [
            IpAddr::from([192, 0, 2, 1]),
            IpAddr::from([198, 51, 100, 7]),
        ];
        let base = Wanted {
            identity: &id,
            ips: &ips,
            hostname: Some("W1"),
            coordinator: false,
        };
        assert_eq!(
            renewal_reason(None, &base, now, 30 * DAY),
            Some(RenewReason::Missing)
        );
        assert_eq!(renewal_reason(Some(&c), &base, now, 30 * DAY), None);
        let moved = Wanted {
            ips: &new_ip,
            ..base.clone()
        };
        assert_eq!(
            renewal_reason(Some(&c), &moved, now, 30 * DAY),
            Some(RenewReason::AddressNotCovered(new_ip[1]))
        );
        let renamed_host = Wanted {
            hostname: Some("w1.new"),
            ..base.clone()
        };
        assert_eq!(
            renewal_reason(Some(&c), &renamed_host, now, 30 * DAY),
            Some(RenewReason::HostnameNotCovered("w1.new".into()))
        );
        let other = NodeIdentity::new("c", "w2");
        let renamed = Wanted {
            identity: &other,
            ..base
        };
        assert_eq!(
            renewal_reason(Some(&c), &renamed, now, 30 * DAY),
            Some(RenewReason::IdentityChanged)
        );
    }
}
