//! Certificates at run time: the node's own identity (swappable on renewal), the cluster's
//! revocation list, the coordinator's signing desk, the worker's enrolment client, and the
//! renewal and revocation-following tasks.

pub mod ca;
pub mod challenge;
pub mod crl;
pub mod each_coordinator;
pub mod enroll;
pub mod follow;
pub mod gossiped;
pub mod issuer;
pub mod join_tokens;
pub mod own_cert;
pub mod peers;
pub mod renew;
pub mod renewal;
pub mod revocations;
pub mod server_tls;

use std::sync::{Arc, RwLock};

use p2p_shared::api::CoordinatorInfo;
use p2p_shared::tls::{CertCell, RevocationList, certified_key};
use rustls_pki_types::CertificateDer;
use zeroize::Zeroizing;

use crate::pki::ca::{CertInfo, pem_to_der};
use crate::secrets::{Vault, entries};

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("certificate or key unusable: {0}")]
    BadMaterial(String),
}

/// A node's certificate material: what its vault keeps and [`NodePki`] is built from.
pub struct Material {
    pub cluster_id: String,
    pub ca_pem: String,
    pub ca_der: CertificateDer<'static>,
    pub cert_der: CertificateDer<'static>,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
}

impl Material {
    /// The material in a node's vault; `None` while the node has no certificate yet.
    pub fn load(vault: &Vault) -> Result<Option<Material>, PkiError> {
        let text = |name| {
            vault
                .get(name)
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(str::to_string)
        };
        let (Some(cluster_id), Some(ca_pem), Some(cert_pem), Some(key)) = (
            text(entries::CLUSTER_ID),
            text(entries::CA_CERT),
            text(entries::NODE_CERT),
            vault.get(entries::NODE_KEY),
        ) else {
            return Ok(None);
        };
        let cert_der = pem_to_der(&cert_pem)
            .ok_or_else(|| PkiError::BadMaterial("stored node certificate".into()))?;
        let ca_der = pem_to_der(&ca_pem)
            .ok_or_else(|| PkiError::BadMaterial("stored CA certificate".into()))?;
        Ok(Some(Material {
            cluster_id,
            ca_pem,
            ca_der,
            cert_der,
            key_pkcs8: Zeroizing::new(key.to_vec()),
        }))
    }
}

/// The default timeout of a kept peer client; every call sets its own (see
/// `ApiClient::with_timeout`), so this only shapes the connect timeout (at most 5 s).
const PEER_CONNECT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// The coordinators a worker learned at enrolment, as its vault keeps them.
pub fn stored_coordinators(vault: &Vault) -> Vec<CoordinatorInfo> {
    vault
        .get(entries::COORDINATORS)
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or_default()
}

/// The node's current certificate as facts.
#[derive(Debug, Clone)]
pub struct CurrentCert {
    pub der: CertificateDer<'static>,
    pub info: CertInfo,
}

/// This node's place in the cluster PKI.
#[derive(Debug)]
pub struct NodePki {
    pub cluster_id: String,
    pub node_id: String,
    pub ca_der: CertificateDer<'static>,
    pub ca_pem: String,
    /// Served to clients and presented to servers; renewal swaps it.
    pub cell: Arc<CertCell>,
    pub revoked: Arc<RevocationList>,
    current: RwLock<CurrentCert>,
    coordinators: RwLock<Vec<CoordinatorInfo>>,
    peers: peers::PeerPool<p2p_shared::ApiClient>,
    /// Bumped by every [`NodePki::install`]: kept clients present the old certificate.
    installs: std::sync::atomic::AtomicU64,
}

impl NodePki {
    /// An mTLS client to another node of the cluster, authenticated with this node's
    /// certificate; with `expected`, the peer must be that node. Kept and shared (see
    /// `peers`): calls to the same peer reuse one connection. `timeout` bounds each call.
    pub fn peer_client(
        &self,
        server: String,
        expected: Option<String>,
        timeout: std::time::Duration,
    ) -> Result<p2p_shared::ApiClient, p2p_shared::ClientError> {
        self.pooled(server, expected, false)
            .map(|c| c.with_timeout(timeout))
    }

    /// An mTLS client to a coordinator: the peer's certificate must carry the coordinator
    /// role, so a worker can never pose as one (to collect secrets or feed stale state).
    /// Kept and shared like [`NodePki::peer_client`].
    pub fn coordinator_client(
        &self,
        server: String,
        expected: Option<String>,
        timeout: std::time::Duration,
    ) -> Result<p2p_shared::ApiClient, p2p_shared::ClientError> {
        self.pooled(server, expected, true)
            .map(|c| c.with_timeout(timeout))
    }

    fn pooled(
        &self,
        server: String,
        expected: Option<String>,
        coordinator: bool,
    ) -> Result<p2p_shared::ApiClient, p2p_shared::ClientError> {
        let epoch = (
            *self.revoked.subscribe().borrow(),
            self.installs.load(std::sync::atomic::Ordering::Relaxed),
        );
        self.peers
            .get(server, expected, coordinator, epoch, |server, expected| {
                let mut opts = p2p_shared::ClientOptions::new(
                    server,
                    p2p_shared::ServerTrust::CaCert(self.ca_der.clone()),
                );
                opts.identity = Some(self.cell.clone());
                opts.revoked = Some(self.revoked.clone());
                opts.expected_node = expected;
                opts.require_coordinator = coordinator;
                opts.timeout = PEER_CONNECT_PATIENCE;
                p2p_shared::ApiClient::new(opts)
            })
    }

    /// How many peer clients are kept, and how many were built (each a new connection).
    pub fn peer_pool_stats(&self) -> peers::PoolStats {
        self.peers.stats()
    }

    /// The node `node_id` with certificate material `m`.
    pub fn from_material(
        node_id: &str,
        m: Material,
        coordinators: Vec<CoordinatorInfo>,
    ) -> Result<Self, PkiError> {
        let info = CertInfo::from_der(&m.cert_der)
            .ok_or_else(|| PkiError::BadMaterial("node certificate does not parse".into()))?;
        let key = certified_key(vec![m.cert_der.clone(), m.ca_der.clone()], &m.key_pkcs8)
            .map_err(|e| PkiError::BadMaterial(e.to_string()))?;
        let cert_der = m.cert_der;
        Ok(Self {
            cluster_id: m.cluster_id,
            node_id: node_id.to_string(),
            ca_der: m.ca_der,
            ca_pem: m.ca_pem,
            cell: Arc::new(CertCell::new(key)),
            revoked: Arc::new(RevocationList::default()),
            current: RwLock::new(CurrentCert {
                der: cert_der,
                info,
            }),
            coordinators: RwLock::new(coordinators),
            peers: peers::PeerPool::default(),
            installs: std::sync::atomic::AtomicU64::new(0),
        })
    }

    pub fn current(&self) -> CurrentCert {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Switches to a new certificate: new handshakes use it at once, established connections
    /// keep the old one until they close.
    pub fn install(
        &self,
        cert_der: CertificateDer<'static>,
        key_pkcs8: &[u8],
    ) -> Result<CertInfo, PkiError> {
        let info = CertInfo::from_der(&cert_der)
            .ok_or_else(|| PkiError::BadMaterial("new certificate does not parse".into()))?;
        let key = certified_key(vec![cert_der.clone(), self.ca_der.clone()], key_pkcs8)
            .map_err(|e| PkiError::BadMaterial(e.to_string()))?;
        self.cell.swap(key);
        self.installs
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = CurrentCert {
            der: cert_der,
            info: info.clone(),
        };
        Ok(info)
    }

    pub fn coordinators(&self) -> Vec<CoordinatorInfo> {
        self.coordinators
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_coordinators(&self, list: Vec<CoordinatorInfo>) {
        *self.coordinators.write().unwrap_or_else(|p| p.into_inner()) = list;
    }
}
