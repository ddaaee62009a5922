//! Client-side TLS: verify that a server is a node of *our* cluster, either against a known
//! CA certificate or against a pinned CA fingerprint (so `p2pctl login` never trusts on first
//! use), and present an optional client identity for mTLS.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
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

/// What a client trusts when it connects to a node.
#[derive(Debug, Clone)]
pub enum ServerTrust {
    /// The cluster CA certificate (DER).
    CaCert(CertificateDer<'static>),
    /// Only the fingerprint of the cluster CA: the server must send the CA certificate in its
    /// chain, and that certificate must hash to this value.
    Pinned(Fingerprint),
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
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClusterServerVerifier {
    pub fn new(
        trust: ServerTrust,
        expected_node: Option<String>,
        provider: &CryptoProvider,
    ) -> Self {
        Self {
            trust,
            expected_node,
            algorithms: provider.signature_verification_algorithms,
        }
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
        let anchor: CertificateDer<'_> = match &self.trust {
            ServerTrust::CaCert(der) => der.clone(),
            ServerTrust::Pinned(pin) => intermediates
                .iter()
                .find(|c| &Fingerprint::of(c) == pin)
                .cloned()
                .ok_or(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::UnknownIssuer,
                ))?,
        };
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

/// A client certificate chain and its key, for mTLS.
pub struct ClientIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("chain_len", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
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

/// Builds a rustls client configuration for talking to cluster nodes.
pub fn client_config(
    trust: ServerTrust,
    expected_node: Option<String>,
    identity: Option<ClientIdentity>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = crypto_provider();
    let verifier = Arc::new(ClusterServerVerifier::new(trust, expected_node, &provider));
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        Some(id) => builder.with_client_auth_cert(id.chain, id.key)?,
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
