//! Client-side TLS: verify that a server is a node of *our* cluster, either against a known
//! CA certificate or against a pinned CA fingerprint (so `p2pctl login` never trusts on first
//! use), and present an optional client identity for mTLS.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use rustls::client::ResolvesClientCert;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::identity::NodeIdentity;

/// `SHA256:<64 lowercase hex>` of a certificate's DER bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid fingerprint `{0}`: expected SHA256: followed by 64 hex digits")]
pub struct FingerprintError(pub String);

impl Fingerprint {
    pub fn of(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// Accepts `SHA256:abcd...`, bare hex, upper or lower case, with or without `:` separators.
    pub fn parse(s: &str) -> Result<Self, FingerprintError> {
        let trimmed = s.trim();
        let hex_part = trimmed
            .strip_prefix("SHA256:")
            .or_else(|| trimmed.strip_prefix("sha256:"))
            .unwrap_or(trimmed)
            .replace(':', "");
        let bytes = hex::decode(&hex_part).map_err(|_| FingerprintError(s.to_string()))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| FingerprintError(s.to_string()))?;
        Ok(Self(arr))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SHA256:{}", hex::encode(self.0))
    }
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo: the CA pin a join token carries. It
/// survives re-issuing the CA certificate with the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpkiPin([u8; 32]);

impl SpkiPin {
    /// The pin of a DER certificate's public key; `None` if the certificate does not parse.
    pub fn of_cert(der: &[u8]) -> Option<Self> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        Some(Self(
            Sha256::digest(cert.tbs_certificate.subject_pki.raw).into(),
        ))
    }

    /// 64 hex digits.
    pub fn parse(s: &str) -> Result<Self, FingerprintError> {
        let bytes = hex::decode(s.trim()).map_err(|_| FingerprintError(s.to_string()))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| FingerprintError(s.to_string()))?;
        Ok(Self(arr))
    }
}

impl std::fmt::Display for SpkiPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// What a client trusts when it connects to a node.
#[derive(Debug, Clone)]
pub enum ServerTrust {
    /// The cluster CA certificate (DER).
    CaCert(CertificateDer<'static>),
    /// Only the fingerprint of the cluster CA: the server must send the CA certificate in its
    /// chain, and that certificate must hash to this value.
    Pinned(Fingerprint),
    /// Only the public-key pin of the cluster CA (from a join token): the server must send a
    /// CA certificate whose key hashes to this value.
    PinnedKey(SpkiPin),
}

impl ServerTrust {
    /// The CA certificate to anchor on, chosen among what the server sent.
    fn anchor<'a>(&'a self, intermediates: &'a [CertificateDer<'a>]) -> Option<CertificateDer<'a>> {
        match self {
            ServerTrust::CaCert(der) => Some(der.clone()),
            ServerTrust::Pinned(pin) => intermediates
                .iter()
                .find(|c| &Fingerprint::of(c) == pin)
                .cloned(),
            ServerTrust::PinnedKey(pin) => intermediates
                .iter()
                .find(|c| SpkiPin::of_cert(c).as_ref() == Some(pin))
                .cloned(),
        }
    }
}

/// Verifies a server's chain against the cluster CA and requires a node identity URI SAN.
///
/// Host names are deliberately not checked: a node is reached under many names and addresses
/// (NAT, VPNs, several NICs), and any certificate our CA issued to a node is, by policy, a
/// legitimate endpoint of the cluster. When `expected_node` is set the peer must be that node.
#[derive(Debug)]
pub struct ClusterServerVerifier {
    trust: ServerTrust,
    expected_node: Option<String>,
    require_coordinator: bool,
    revoked: Option<Arc<RevocationList>>,
    algorithms: WebPkiSupportedAlgorithms,
}

/// The server's chain holds no CA with the fingerprint the context pins.
#[derive(Debug, thiserror::Error)]
#[error(
    "the server's CA is not the one this context pins (pinned {pinned}, the server presents {presented}); if the cluster was created anew, sign in again with its fingerprint (`p2pctl login --ca-fingerprint ...`), or remove the context (`p2pctl context rm NAME`)"
)]
pub struct PinMismatch {
    pub pinned: String,
    pub presented: String,
}

/// A server that had to be a coordinator presented a certificate without that role.
#[derive(Debug, thiserror::Error)]
#[error(
    "the server is not a coordinator of this cluster: its certificate has no coordinator role (a worker, or a coordinator that has not renewed its certificate since its upgrade)"
)]
pub struct NotCoordinator;

impl ClusterServerVerifier {
    pub fn new(
        trust: ServerTrust,
        expected_node: Option<String>,
        provider: &CryptoProvider,
    ) -> Self {
        Self {
            trust,
            expected_node,
            require_coordinator: false,
            revoked: None,
            algorithms: provider.signature_verification_algorithms,
        }
    }

    /// Also require the coordinator role (for anything that sends a password, a token, a
    /// join secret, or trusts what the server says about the cluster).
    pub fn coordinator_only(mut self) -> Self {
        self.require_coordinator = true;
        self
    }

    /// Also refuse servers whose certificate serial is on `list`.
    pub fn with_revocations(mut self, list: Arc<RevocationList>) -> Self {
        self.revoked = Some(list);
        self
    }
}

impl ServerCertVerifier for ClusterServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let anchor = self
            .trust
            .anchor(intermediates)
            .ok_or_else(|| match &self.trust {
                ServerTrust::Pinned(pin) => {
                    let presented: Vec<String> = intermediates
                        .iter()
                        .map(|c| Fingerprint::of(c).to_string())
                        .collect();
                    rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
                        rustls::OtherError(Arc::new(PinMismatch {
                            pinned: pin.to_string(),
                            presented: if presented.is_empty() {
                                "no CA certificate".into()
                            } else {
                                presented.join(", ")
                            },
                        })),
                    ))
                }
                _ => rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
            })?;
        let mut roots = RootCertStore::empty();
        roots.add(anchor.into_owned())?;
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &roots,
            &[],
            now,
            self.algorithms.all,
        )?;
        let identity = NodeIdentity::from_cert_der(end_entity).map_err(|e| {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
                Arc::new(e),
            )))
        })?;
        if let Some(expected) = &self.expected_node
            && &identity.node_id != expected
        {
            return Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName,
            ));
        }
        if self.require_coordinator && !crate::identity::names_coordinator(end_entity) {
            return Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(NotCoordinator))),
            ));
        }
        if let Some(list) = &self.revoked
            && list.is_revoked_cert(end_entity)
        {
            return Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Revoked,
            ));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A certificate chain and key that can be replaced at run time: renewal swaps it, new
/// handshakes (as server or as client) use the new one, established connections keep theirs.
pub struct CertCell(RwLock<Arc<CertifiedKey>>);

impl std::fmt::Debug for CertCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CertCell(<key redacted>)")
    }
}

impl CertCell {
    pub fn new(key: Arc<CertifiedKey>) -> Self {
        Self(RwLock::new(key))
    }

    /// Builds a cell from a chain (leaf first) and a PKCS#8 private key.
    pub fn from_parts(
        chain: Vec<CertificateDer<'static>>,
        key_pkcs8: &[u8],
    ) -> Result<Self, rustls::Error> {
        Ok(Self::new(certified_key(chain, key_pkcs8)?))
    }

    /// Loads a PEM certificate chain file and a PKCS#8 PEM key file.
    pub fn from_pem_files(
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Result<Self, PemFilesError> {
        use rustls::pki_types::pem::PemObject;
        let unreadable = |path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source| PemFilesError::Unreadable { path, source }
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(unreadable(cert))?
            .collect::<Result<_, _>>()
            .map_err(unreadable(cert))?;
        if chain.is_empty() {
            return Err(PemFilesError::NoCertificate(cert.to_path_buf()));
        }
        let key_der = PrivatePkcs8KeyDer::from_pem_file(key).map_err(unreadable(key))?;
        Ok(Self::from_parts(chain, key_der.secret_pkcs8_der())?)
    }

    pub fn current(&self) -> Arc<CertifiedKey> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn swap(&self, key: Arc<CertifiedKey>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = key;
    }
}

/// Why a certificate and key on disk could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PemFilesError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: std::path::PathBuf,
        source: rustls::pki_types::pem::Error,
    },
    #[error("{0} holds no certificate")]
    NoCertificate(std::path::PathBuf),
    #[error(transparent)]
    Key(#[from] rustls::Error),
}

/// A chain (leaf first) and a PKCS#8 key as a rustls signing identity.
pub fn certified_key(
    chain: Vec<CertificateDer<'static>>,
    key_pkcs8: &[u8],
) -> Result<Arc<CertifiedKey>, rustls::Error> {
    let provider = crypto_provider();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.to_vec()));
    let signing = provider.key_provider.load_private_key(key)?;
    Ok(Arc::new(CertifiedKey::new(chain, signing)))
}

impl ResolvesServerCert for CertCell {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

impl ResolvesClientCert for CertCell {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Serial numbers (lower-case hex) of revoked certificates, shared by the TLS verifiers of
/// one node. `generation` changes on every update so connection tasks can re-check.
#[derive(Debug)]
pub struct RevocationList {
    serials: RwLock<HashSet<String>>,
    generation: tokio::sync::watch::Sender<u64>,
}

impl Default for RevocationList {
    fn default() -> Self {
        Self {
            serials: RwLock::default(),
            generation: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl RevocationList {
    pub fn is_revoked(&self, serial_hex: &str) -> bool {
        self.serials
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(serial_hex)
    }

    /// True when the DER certificate's serial is revoked (or the certificate is unreadable).
    pub fn is_revoked_cert(&self, der: &[u8]) -> bool {
        match cert_serial_hex(der) {
            Some(serial) => self.is_revoked(&serial),
            None => true,
        }
    }

    /// Replaces the whole set; wakes subscribers if it changed.
    pub fn replace(&self, serials: HashSet<String>) {
        let mut cur = self.serials.write().unwrap_or_else(|p| p.into_inner());
        if *cur != serials {
            *cur = serials;
            drop(cur);
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// Adds `serials` (revocations are never taken back); answers whether any was new.
    pub fn extend(&self, serials: impl IntoIterator<Item = String>) -> bool {
        let mut cur = self.serials.write().unwrap_or_else(|p| p.into_inner());
        let before = cur.len();
        cur.extend(serials);
        let grew = cur.len() > before;
        drop(cur);
        if grew {
            self.generation.send_modify(|g| *g += 1);
        }
        grew
    }

    pub fn len(&self) -> usize {
        self.serials.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.generation.subscribe()
    }
}

/// Lower-case hex of a DER certificate's serial number.
pub fn cert_serial_hex(der: &[u8]) -> Option<String> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(hex::encode(cert.raw_serial()))
}

/// The process-wide crypto provider, installing aws-lc-rs if nothing was installed yet.
/// Installing is idempotent so that several agents can live in one test process.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    if let Some(p) = CryptoProvider::get_default() {
        return p.clone();
    }
    // A concurrent installer may win the race; either way a default now exists.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// What a client requires of the node it connects to.
#[derive(Debug, Clone, Default)]
pub struct PeerRequirements {
    /// The peer must be this node.
    pub node: Option<String>,
    /// The peer must be a coordinator.
    pub coordinator: bool,
}

/// Builds a rustls client configuration for talking to cluster nodes.
pub fn client_config(
    trust: ServerTrust,
    peer: PeerRequirements,
    identity: Option<Arc<CertCell>>,
    revoked: Option<Arc<RevocationList>>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = crypto_provider();
    let mut verifier = ClusterServerVerifier::new(trust, peer.node, &provider);
    if peer.coordinator {
        verifier = verifier.coordinator_only();
    }
    if let Some(list) = revoked {
        verifier = verifier.with_revocations(list);
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match identity {
        Some(cell) => builder.with_client_cert_resolver(cell),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_formats() {
        let fp = Fingerprint::of(b"hello");
        let s = fp.to_string();
        assert!(s.starts_with("SHA256:"));
        assert_eq!(s.len(), 7 + 64);
        assert_eq!(Fingerprint::parse(&s), Ok(fp.clone()));
        assert_eq!(Fingerprint::parse(&s[7..].to_uppercase()), Ok(fp.clone()));
        let colons: Vec<String> = s.as_bytes()[7..]
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        assert_eq!(Fingerprint::parse(&colons.join(":")), Ok(fp));
        assert!(Fingerprint::parse("SHA256:abcd").is_err());
        assert!(Fingerprint::parse("not hex at all").is_err());
    }
}
