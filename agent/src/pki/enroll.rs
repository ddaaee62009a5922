//! The node side of getting a certificate: generate the key here (it never leaves the node),
//! open the challenge responder, send the CSR to a coordinator (authenticated by the join
//! token over TLS pinned to the CA key, or by the current certificate over mTLS), check what
//! comes back, and stop the responder.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use p2p_shared::api::{CertIssued, CertRequest, CoordinatorInfo, GossipKeyring, RejectedAddress};
use p2p_shared::jointoken::JoinToken;
use p2p_shared::tls::{CertCell, RevocationList, SpkiPin};
use p2p_shared::{ApiClient, ClientError, ClientOptions, NodeIdentity, ServerTrust};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use rustls_pki_types::CertificateDer;
use zeroize::Zeroizing;

use super::challenge::{ChallengeError, Responder};
use crate::pki::ca::{CertInfo, pem_to_der};
use crate::secrets::random_hex;

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Challenge(#[from] ChallengeError),
    #[error("cannot build the certificate request: {0}")]
    Csr(#[from] rcgen::Error),
    #[error("the coordinator's answer is not acceptable: {0}")]
    BadResponse(String),
    #[error("no certificate within {0:?}")]
    TimedOut(Duration),
}

impl EnrollError {
    /// Worth trying again (later, or at another coordinator)?
    pub fn is_transient(&self) -> bool {
        match self {
            EnrollError::Client(e) => match e.status() {
                None => matches!(
                    e,
                    ClientError::Unreachable { .. } | ClientError::Decode { .. }
                ),
                Some(s) => s == 429 || s >= 500,
            },
            EnrollError::Challenge(_) | EnrollError::TimedOut(_) => true,
            EnrollError::Csr(_) | EnrollError::BadResponse(_) => false,
        }
    }
}

/// What the node asks a certificate for.
#[derive(Debug, Clone)]
pub struct Claim {
    pub node_id: String,
    pub ips: Vec<IpAddr>,
    pub hostname: Option<String>,
    pub api_port: u16,
    pub challenge_port: u16,
    /// A coordinator joining the cluster (its token must be a coordinator token).
    pub coordinator: bool,
}

/// How the node proves it may have a certificate.
pub enum Credential<'a> {
    Token(&'a JoinToken),
    Current {
        ca_der: CertificateDer<'static>,
        cell: Arc<CertCell>,
        revoked: Arc<RevocationList>,
    },
}

/// A coordinator to ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub address: String,
    /// Its node id, once known: the server must then prove to be that node.
    pub node_id: Option<String>,
}

/// A certificate and key the node obtained.
#[derive(Clone)]
pub struct Obtained {
    pub cluster_id: String,
    pub cert_der: CertificateDer<'static>,
    pub cert_pem: String,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
    pub ca_der: CertificateDer<'static>,
    pub ca_pem: String,
    pub info: CertInfo,
    pub coordinators: Vec<CoordinatorInfo>,
    pub rejected: Vec<RejectedAddress>,
    pub gossip_keyring: Option<GossipKeyring>,
}

impl Obtained {
    /// What the node's identity is built from.
    pub fn material(&self) -> super::Material {
        super::Material {
            cluster_id: self.cluster_id.clone(),
            ca_pem: self.ca_pem.clone(),
            ca_der: self.ca_der.clone(),
            cert_der: self.cert_der.clone(),
            key_pkcs8: self.key_pkcs8.clone(),
        }
    }
}

/// A new key for a certificate request. Generate one per renewal or enrolment and reuse it
/// for every attempt, so a coordinator that already signed (and whose answer was lost)
/// answers the retry with the same certificate.
pub fn new_key() -> Result<KeyPair, EnrollError> {
    Ok(KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?)
}

/// Asks `target` for a certificate for `key`; runs the challenge responder meanwhile. The
/// whole attempt (responder, request, stop) ends by `timeout` plus a little.
pub async fn obtain(
    target: &Target,
    claim: &Claim,
    cred: &Credential<'_>,
    key: &KeyPair,
    timeout: Duration,
) -> Result<Obtained, EnrollError> {
    let deadline = timeout + Duration::from_secs(5);
    tokio::time::timeout(deadline, attempt(target, claim, cred, key, timeout))
        .await
        .map_err(|_| EnrollError::TimedOut(deadline))?
}

async fn attempt(
    target: &Target,
    claim: &Claim,
    cred: &Credential<'_>,
    key: &KeyPair,
    timeout: Duration,
) -> Result<Obtained, EnrollError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, claim.node_id.clone());
    params.distinguished_name = dn;
    let csr_pem = params.serialize_request(&key).and_then(|csr| csr.pem())?;
    let secret = random_hex(32);
    let (token_id, token_secret) = match cred {
        Credential::Token(t) => (Some(t.token_id.clone()), Some(t.secret.to_string())),
        Credential::Current { .. } => (None, None),
    };
    let req = CertRequest {
        token_id,
        token_secret,
        node_id: claim.node_id.clone(),
        csr_pem,
        addresses: claim.ips.clone(),
        hostname: claim.hostname.clone(),
        challenge_secret: secret.to_string(),
        api_port: claim.api_port,
        version: crate::VERSION.to_string(),
        coordinator: claim.coordinator,
    };

    let mut opts = ClientOptions::new(
        target.address.clone(),
        match cred {
            Credential::Token(t) => ServerTrust::PinnedKey(t.ca_pin.clone()),
            Credential::Current { ca_der, .. } => ServerTrust::CaCert(ca_der.clone()),
        },
    );
    opts.timeout = timeout;
    opts.expected_node = target.node_id.clone();
    // The request carries the join secret or asks for our identity: coordinators only.
    opts.require_coordinator = true;
    if let Credential::Current { cell, revoked, .. } = cred {
        opts.identity = Some(cell.clone());
        opts.revoked = Some(revoked.clone());
    }
    let client = ApiClient::new(opts)?;

    let responder = Responder::start(&claim.ips, claim.challenge_port, &secret).await?;
    let result = match cred {
        Credential::Token(_) => client.enroll(&req).await,
        Credential::Current { .. } => client.renew_own_cert(&req).await,
    };
    responder.stop().await;
    match &result {
        Ok(_) => tracing::info!(coordinator = %target.address, "Certificate request response: 200"),
        Err(e) => tracing::warn!(
            coordinator = %target.address,
            status = e.status(),
            error = %e,
            "Certificate request failed"
        ),
    }
    check_issued(result?, key, claim, cred)
}

/// Accepts the answer only if it is a certificate for our key and our identity, chained to
/// the CA we trust.
fn check_issued(
    issued: CertIssued,
    key: &KeyPair,
    claim: &Claim,
    cred: &Credential<'_>,
) -> Result<Obtained, EnrollError> {
    let bad = |m: &str| EnrollError::BadResponse(m.to_string());
    let ca_der = pem_to_der(&issued.ca_pem).ok_or_else(|| bad("CA certificate unreadable"))?;
    match cred {
        Credential::Token(t) => {
            if SpkiPin::of_cert(&ca_der).as_ref() != Some(&t.ca_pin) {
                return Err(bad("CA certificate does not match the join token's pin"));
            }
        }
        Credential::Current { ca_der: ours, .. } => {
            if ours != &ca_der {
                return Err(bad("CA certificate changed"));
            }
        }
    }
    let cert_der = pem_to_der(&issued.cert_pem).ok_or_else(|| bad("certificate unreadable"))?;
    let info = CertInfo::from_der(&cert_der).ok_or_else(|| bad("certificate unreadable"))?;
    if info.identity != Some(NodeIdentity::new(&issued.cluster_id, &claim.node_id)) {
        return Err(bad("certificate names another node"));
    }
    if !spki_matches(&cert_der, key) {
        return Err(bad("certificate is for another key"));
    }
    verify_chain(&cert_der, &ca_der)?;
    Ok(Obtained {
        cluster_id: issued.cluster_id,
        cert_der,
        cert_pem: issued.cert_pem,
        key_pkcs8: Zeroizing::new(key.serialize_der()),
        ca_der,
        ca_pem: issued.ca_pem,
        info,
        coordinators: issued.coordinators,
        rejected: issued.rejected_addresses,
        gossip_keyring: issued.gossip_keyring,
    })
}

fn spki_matches(cert_der: &[u8], key: &KeyPair) -> bool {
    use x509_parser::prelude::{FromDer, X509Certificate};
    X509Certificate::from_der(cert_der)
        .map(|(_, c)| {
            c.tbs_certificate.subject_pki.raw
                == rcgen::PublicKeyData::subject_public_key_info(key).as_slice()
        })
        .unwrap_or(false)
}

fn verify_chain(
    cert_der: &CertificateDer<'_>,
    ca_der: &CertificateDer<'_>,
) -> Result<(), EnrollError> {
    let provider = p2p_shared::tls::crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(ca_der.clone().into_owned())
        .map_err(|e| EnrollError::BadResponse(e.to_string()))?;
    let parsed = rustls::server::ParsedCertificate::try_from(cert_der)
        .map_err(|e| EnrollError::BadResponse(e.to_string()))?;
    rustls::client::verify_server_cert_signed_by_trust_anchor(
        &parsed,
        &roots,
        &[],
        rustls_pki_types::UnixTime::now(),
        provider.signature_verification_algorithms.all,
    )
    .map_err(|e| EnrollError::BadResponse(format!("certificate does not chain to the CA: {e}")))
}
