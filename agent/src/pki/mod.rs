//! Certificates at run time: the node's own identity (swappable on renewal), the cluster's
//! revocation list, the coordinator's signing desk, the worker's enrolment client, and the
//! renewal and revocation-following tasks.

pub mod challenge;
pub mod enroll;
pub mod issuer;
pub mod renew;
pub mod revocations;

use std::sync::{Arc, RwLock};

use p2p_shared::api::CoordinatorInfo;
use p2p_shared::tls::{CertCell, RevocationList, certified_key};
use rustls_pki_types::CertificateDer;

use crate::ca::CertInfo;

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("certificate or key unusable: {0}")]
    BadMaterial(String),
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
}

impl NodePki {
    /// An mTLS client to another node of the cluster, authenticated with this node's
    /// certificate; with `expected`, the peer must be that node.
    pub fn peer_client(
        &self,
        server: String,
        expected: Option<String>,
        timeout: std::time::Duration,
    ) -> Result<p2p_shared::ApiClient, p2p_shared::ClientError> {
        let mut opts = p2p_shared::ClientOptions::new(
            server,
            p2p_shared::ServerTrust::CaCert(self.ca_der.clone()),
        );
        opts.identity = Some(self.cell.clone());
        opts.revoked = Some(self.revoked.clone());
        opts.expected_node = expected;
        opts.timeout = timeout;
        p2p_shared::ApiClient::new(opts)
    }

    pub fn new(
        cluster_id: String,
        node_id: String,
        ca_pem: String,
        ca_der: CertificateDer<'static>,
        cert_der: CertificateDer<'static>,
        key_pkcs8: &[u8],
        coordinators: Vec<CoordinatorInfo>,
    ) -> Result<Self, PkiError> {
        let info = CertInfo::from_der(&cert_der)
            .ok_or_else(|| PkiError::BadMaterial("node certificate does not parse".into()))?;
        let key = certified_key(vec![cert_der.clone(), ca_der.clone()], key_pkcs8)
            .map_err(|e| PkiError::BadMaterial(e.to_string()))?;
        Ok(Self {
            cluster_id,
            node_id,
            ca_der,
            ca_pem,
            cell: Arc::new(CertCell::new(key)),
            revoked: Arc::new(RevocationList::default()),
            current: RwLock::new(CurrentCert {
                der: cert_der,
                info,
            }),
            coordinators: RwLock::new(coordinators),
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

    pub fn is_coordinator(&self, node_id: &str) -> bool {
        self.coordinators
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|c| c.node_id == node_id)
    }
}
