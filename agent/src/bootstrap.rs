//! First-time set-up of a coordinator (`p2pd init`, or the first start) and loading the
//! node's identity from the vault at every start.
//!
//! Vault entries: `cluster_id`, `ca.crt`, `node.crt`, `node.key` on every node;
//! `ca.key`, `jwt.key`, `users` on coordinators; `coordinators` on workers.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use p2p_shared::NodeIdentity;
use p2p_shared::tls::Fingerprint;
use rand::RngCore;
use rcgen::KeyPair;
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::auth::{TokenError, generate_signing_key};
use crate::ca::{CaError, CertInfo, ClusterCa, NodeCertRequest, pem_to_der};
use crate::renewal::{RenewReason, Wanted, renewal_reason};
use crate::users::{UserError, seed_admin};
use crate::vault::{KdfParams, Vault, VaultError};

pub const ENTRY_CLUSTER_ID: &str = "cluster_id";
pub const ENTRY_CA_CERT: &str = "ca.crt";
pub const ENTRY_CA_KEY: &str = "ca.key";
pub const ENTRY_JWT_KEY: &str = "jwt.key";
pub const ENTRY_NODE_CERT: &str = "node.crt";
pub const ENTRY_NODE_KEY: &str = "node.key";
/// Workers: the coordinators learned at enrolment (JSON).
pub const ENTRY_COORDINATORS: &str = "coordinators";
/// The cluster gossip keyring (JSON `GossipKeyring`).
pub const ENTRY_GOSSIP_KEYRING: &str = "gossip_keyring";

pub const ADMIN_USER: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Ca(#[from] CaError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Users(#[from] UserError),
    #[error("the vault has no `{0}` entry; was it initialised by `p2pd init`?")]
    MissingEntry(&'static str),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub fn vault_path(state_dir: &Path) -> PathBuf {
    state_dir.join("vault.p2p")
}

pub fn store_path(state_dir: &Path) -> PathBuf {
    state_dir.join("store.db")
}

/// Where the first start writes a generated admin password (0600), like an appliance's
/// "initial password" file; `p2pd init` prints it instead.
pub fn initial_password_path(state_dir: &Path) -> PathBuf {
    state_dir.join("initial-admin-password")
}

/// The outcome of initialising a coordinator.
pub struct InitOutcome {
    pub vault: Vault,
    pub cluster_id: String,
    pub fingerprint: Fingerprint,
    /// Set when no admin password was supplied and one was generated.
    pub generated_admin_password: Option<Zeroizing<String>>,
}

/// A random secret of `bytes` bytes, hex-encoded.
pub fn random_secret(bytes: usize) -> Zeroizing<String> {
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    rand::rngs::OsRng.fill_bytes(&mut buf);
    Zeroizing::new(hex::encode(&*buf))
}

/// Creates the vault of a new cluster: cluster id, CA, JWT key, the admin user.
pub fn initialize(
    vault_path: &Path,
    password: &str,
    admin_password: Option<Zeroizing<String>>,
    kdf: KdfParams,
) -> Result<InitOutcome, BootstrapError> {
    let mut vault = Vault::create(vault_path, password, kdf)?;
    let cluster_id = random_secret(8).to_string();
    let ca = ClusterCa::generate(&cluster_id, OffsetDateTime::now_utc())?;
    vault.put(ENTRY_CLUSTER_ID, cluster_id.as_bytes().to_vec());
    vault.put(ENTRY_CA_CERT, ca.cert_pem().as_bytes().to_vec());
    vault.put(ENTRY_CA_KEY, ca.key_pem().as_bytes().to_vec());
    vault.put(ENTRY_JWT_KEY, generate_signing_key()?.to_vec());
    let (admin_password, generated) = match admin_password {
        Some(p) => (p, None),
        None => {
            let p = random_secret(12);
            (p.clone(), Some(p))
        }
    };
    // seed_admin saves the vault with every entry above.
    seed_admin(&mut vault, ADMIN_USER, &admin_password)?;
    Ok(InitOutcome {
        vault,
        cluster_id,
        fingerprint: ca.fingerprint(),
        generated_admin_password: generated,
    })
}

fn entry<'a>(vault: &'a Vault, name: &'static str) -> Result<&'a [u8], BootstrapError> {
    vault.get(name).ok_or(BootstrapError::MissingEntry(name))
}

fn entry_str<'a>(vault: &'a Vault, name: &'static str) -> Result<&'a str, BootstrapError> {
    std::str::from_utf8(entry(vault, name)?).map_err(|_| BootstrapError::MissingEntry(name))
}

pub fn cluster_id(vault: &Vault) -> Result<String, BootstrapError> {
    Ok(entry_str(vault, ENTRY_CLUSTER_ID)?.to_string())
}

pub fn load_ca(vault: &Vault) -> Result<ClusterCa, BootstrapError> {
    let id = cluster_id(vault)?;
    let ca = ClusterCa::from_pem(
        &id,
        entry_str(vault, ENTRY_CA_CERT)?,
        entry_str(vault, ENTRY_CA_KEY)?,
    )?;
    Ok(ca)
}

pub fn jwt_key(vault: &Vault) -> Result<&[u8], BootstrapError> {
    entry(vault, ENTRY_JWT_KEY)
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

/// Loads the node certificate, or issues a new one from the local CA when the renewal
/// rules say so (missing, identity or addresses changed, close to expiry). Coordinators only:
/// workers get theirs through enrollment.
/// Lifetime rules for node certificates.
#[derive(Debug, Clone, Copy)]
pub struct CertPolicy {
    pub validity: Duration,
    pub renew_before: Duration,
}

pub fn ensure_coordinator_cert(
    vault: &mut Vault,
    ca: &ClusterCa,
    subject: &NodeSubject<'_>,
    policy: CertPolicy,
    now: OffsetDateTime,
) -> Result<NodeCert, BootstrapError> {
    let NodeSubject {
        node_id,
        ips,
        hostname,
    } = *subject;
    let current = vault
        .get(ENTRY_NODE_CERT)
        .and_then(|pem| std::str::from_utf8(pem).ok())
        .and_then(pem_to_der);
    let info = current.as_ref().and_then(|d| CertInfo::from_der(d));
    let identity = NodeIdentity::new(ca.cluster_id(), node_id);
    let wanted = Wanted {
        identity: &identity,
        ips,
        hostname,
    };
    let reason = renewal_reason(info.as_ref(), &wanted, now, policy.renew_before);
    if let (None, Some(cert_der), Some(info), Some(key)) =
        (&reason, current, info, vault.get(ENTRY_NODE_KEY))
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
    };
    let issued = ca.issue_node_cert(&req, &key, now)?;
    let key_der = Zeroizing::new(key.serialize_der());
    vault.put(ENTRY_NODE_CERT, issued.cert_pem.as_bytes().to_vec());
    vault.put(ENTRY_NODE_KEY, key_der.to_vec());
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
