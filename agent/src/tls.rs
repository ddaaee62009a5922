//! Server-side TLS for the node's one HTTPS listener: the node certificate (swappable at run
//! time, so renewal never restarts the listener) and an optional client certificate checked
//! against the cluster CA. Routes decide whether a client certificate is required.

use std::sync::{Arc, RwLock};

use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS configuration failed: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("client verifier: {0}")]
    Verifier(String),
}

/// The node's current certificate chain and key.
#[derive(Debug)]
pub struct SwappableCert(RwLock<Arc<CertifiedKey>>);

impl SwappableCert {
    pub fn new(key: Arc<CertifiedKey>) -> Self {
        Self(RwLock::new(key))
    }

    /// New handshakes use `key`; established connections keep theirs.
    pub fn swap(&self, key: Arc<CertifiedKey>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = key;
    }
}

impl ResolvesServerCert for SwappableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(|p| p.into_inner()).clone())
    }
}

/// Builds the served chain `[node, ca]` (the CA goes along so that clients holding only a
/// pinned fingerprint can find and check it).
pub fn certified_key(
    node_cert: CertificateDer<'static>,
    ca_cert: CertificateDer<'static>,
    node_key_pkcs8: &[u8],
) -> Result<Arc<CertifiedKey>, TlsError> {
    let provider = p2p_shared::tls::crypto_provider();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(node_key_pkcs8.to_vec()));
    let signing = provider.key_provider.load_private_key(key)?;
    Ok(Arc::new(CertifiedKey::new(
        vec![node_cert, ca_cert],
        signing,
    )))
}

pub fn server_config(
    ca_cert: CertificateDer<'static>,
    resolver: Arc<SwappableCert>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = p2p_shared::tls::crypto_provider();
    let mut roots = RootCertStore::empty();
    roots.add(ca_cert)?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| TlsError::Verifier(e.to_string()))?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
