//! A coordinator's own node certificate, issued by its local CA whenever the renewal rules
//! say so (missing, identity or addresses changed, close to expiry). Workers get theirs
//! through enrolment.

use std::net::IpAddr;
use std::time::Duration;

use p2p_shared::NodeIdentity;
use rcgen::KeyPair;
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::ca::{CaError, CertInfo, ClusterCa, NodeCertRequest, pem_to_der};
use super::renewal::{RenewReason, Wanted, renewal_reason};
use crate::secrets::{Vault, VaultError, entries};

#[derive(Debug, thiserror::Error)]
pub enum OwnCertError {
    #[error(transparent)]
    Ca(#[from] CaError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// What a node certificate must name.
#[derive(Debug, Clone, Copy)]
pub struct NodeSubject<'a> {
    pub node_id: &'a str,
    pub ips: &'a [IpAddr],
    pub hostname: Option<&'a str>,
}

/// The node's certificate and key as loaded or freshly issued.
pub struct NodeCert {
    pub cert_der: CertificateDer<'static>,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
    pub info: CertInfo,
    /// Why it was (re)issued at this start, if it was.
    pub renewed: Option<RenewReason>,
}

/// Lifetime rules for node certificates.
#[derive(Debug, Clone, Copy)]
pub struct CertPolicy {
    pub validity: Duration,
    pub renew_before: Duration,
}

/// Loads the node certificate from the vault, or issues and stores a new one from the local
/// CA when the renewal rules say so.
pub fn ensure_coordinator_cert(
    vault: &mut Vault,
    ca: &ClusterCa,
    subject: &NodeSubject<'_>,
    policy: CertPolicy,
    now: OffsetDateTime,
) -> Result<NodeCert, OwnCertError> {
    let NodeSubject {
        node_id,
        ips,
        hostname,
    } = *subject;
    let current = vault
        .get(entries::NODE_CERT)
        .and_then(|pem| std::str::from_utf8(pem).ok())
        .and_then(pem_to_der);
    let info = current.as_ref().and_then(|d| CertInfo::from_der(d));
    let identity = NodeIdentity::new(ca.cluster_id(), node_id);
    let wanted = Wanted {
        identity: &identity,
        ips,
        hostname,
        coordinator: true,
    };
    let reason = renewal_reason(info.as_ref(), &wanted, now, policy.renew_before);
    if let (None, Some(cert_der), Some(info), Some(key)) =
        (&reason, current, info, vault.get(entries::NODE_KEY))
    {
        return Ok(NodeCert {
            cert_der,
            key_pkcs8: Zeroizing::new(key.to_vec()),
            info,
            renewed: None,
        });
    }
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(CaError::from)?;
    let req = NodeCertRequest {
        node_id: node_id.to_string(),
        ips: ips.to_vec(),
        dns_names: hostname.map(|h| vec![h.to_string()]).unwrap_or_default(),
        validity: policy.validity,
        coordinator: true,
    };
    let issued = ca.issue_node_cert(&req, &key, now)?;
    let key_der = Zeroizing::new(key.serialize_der());
    vault.put(entries::NODE_CERT, issued.cert_pem.as_bytes().to_vec());
    vault.put(entries::NODE_KEY, key_der.to_vec());
    vault.save()?;
    let info = CertInfo::from_der(&issued.cert_der)
        .ok_or_else(|| CaError::BadMaterial("freshly issued certificate does not parse".into()))?;
    Ok(NodeCert {
        cert_der: issued.cert_der,
        key_pkcs8: key_der,
        info,
        renewed: Some(reason.unwrap_or(RenewReason::Missing)),
    })
}

/// True for names usable as a DNS SAN (a host name such as `box-1` or `box-1.example`).
pub fn is_dns_name(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}
