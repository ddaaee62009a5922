//! The cluster certificate authority (coordinators only): an ECDSA P-256 root that signs
//! node certificates. Every certificate is built from our own policy; nothing is copied from
//! a request except the public key.

use std::net::IpAddr;
use std::time::Duration;

use p2p_shared::NodeIdentity;
use p2p_shared::identity::OperatorIdentity;
use p2p_shared::tls::Fingerprint;
use rand::RngCore;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SanType, SerialNumber,
};
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;

/// Root validity: 10 years.
pub const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 86400);
/// Certificates start a minute in the past so small clock skew between nodes is harmless.
pub const BACKDATE: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error("certificate generation failed: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("stored CA material is unusable: {0}")]
    BadMaterial(String),
    #[error("invalid name for a certificate: {0}")]
    BadName(String),
}

pub struct ClusterCa {
    cluster_id: String,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    key: KeyPair,
}

impl std::fmt::Debug for ClusterCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterCa")
            .field("cluster_id", &self.cluster_id)
            .field("fingerprint", &self.fingerprint().to_string())
            .finish_non_exhaustive()
    }
}

/// A signed certificate and the facts callers need about it.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub cert_der: CertificateDer<'static>,
    pub cert_pem: String,
    pub serial_hex: String,
    pub not_after: OffsetDateTime,
}

/// What a node certificate should say about its subject.
#[derive(Debug, Clone)]
pub struct NodeCertRequest {
    pub node_id: String,
    pub ips: Vec<IpAddr>,
    pub dns_names: Vec<String>,
    pub validity: Duration,
    /// Give the node the coordinator role (a second URI SAN).
    pub coordinator: bool,
}

/// What a workload certificate says: only names an ACME order validated.
#[derive(Debug, Clone)]
pub struct WorkloadCertRequest {
    pub account_id: String,
    pub dns_names: Vec<String>,
    pub ips: Vec<IpAddr>,
    pub validity: Duration,
    /// The revocation list's URL, as the client reached this CA.
    pub crl_url: Option<String>,
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    // Keep the DER INTEGER positive and 16 bytes long.
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

pub fn serial_hex(serial: &SerialNumber) -> String {
    hex::encode(serial.to_bytes())
}

impl ClusterCa {
    /// Creates a new root for `cluster_id`.
    pub fn generate(cluster_id: &str, now: OffsetDateTime) -> Result<Self, CaError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("p2p-core CA {cluster_id}"));
        dn.push(DnType::OrganizationName, "p2p-core");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.serial_number = Some(random_serial());
        params.not_before = now - BACKDATE;
        params.not_after = now + CA_VALIDITY;
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cluster_id: cluster_id.to_string(),
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            key,
        })
    }

    /// 32 bytes only the coordinators can compute, the same on each (they share the CA
    /// key): HMAC-SHA256 keyed by the CA key over `purpose` and `input`. What lets a
    /// retried request (same idempotency key) get the same secret on any coordinator.
    pub fn derive(&self, purpose: &str, input: &str) -> zeroize::Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let key = zeroize::Zeroizing::new(self.key.serialize_der());
        let mut out = zeroize::Zeroizing::new([0u8; 32]);
        if let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(&key) {
            mac.update(purpose.as_bytes());
            mac.update(&[0]);
            mac.update(input.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// Rebuilds the CA from what the vault stores.
    pub fn from_pem(cluster_id: &str, cert_pem: &str, key_pem: &str) -> Result<Self, CaError> {
        let key = KeyPair::from_pem(key_pem).map_err(|e| CaError::BadMaterial(e.to_string()))?;
        let der = pem_to_der(cert_pem)
            .ok_or_else(|| CaError::BadMaterial("CA certificate PEM".into()))?;
        Ok(Self {
            cluster_id: cluster_id.to_string(),
            cert_der: der,
            cert_pem: cert_pem.to_string(),
            key,
        })
    }

    pub fn cluster_id(&self) -> &str {
        &self.cluster_id
    }

    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// PEM of the CA private key, for the vault only.
    pub fn key_pem(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(self.key.serialize_pem())
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.cert_der)
    }

    /// Signs a node certificate for `public_key`, built entirely from `req` and policy.
    pub fn issue_node_cert(
        &self,
        req: &NodeCertRequest,
        public_key: &impl PublicKeyData,
        now: OffsetDateTime,
    ) -> Result<IssuedCert, CaError> {
        let identity = NodeIdentity::new(&self.cluster_id, &req.node_id);
        let mut sans = vec![san_uri(&identity.to_uri())?];
        if req.coordinator {
            sans.push(san_uri(&identity.coordinator_uri())?);
        }
        sans.extend(req.ips.iter().map(|ip| SanType::IpAddress(*ip)));
        sans.extend(dns_sans(&req.dns_names)?);
        let eku = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        self.sign_leaf(&req.node_id, sans, eku, req.validity, public_key, now)
    }

    /// Signs an operator's client certificate (client authentication only).
    pub fn issue_operator_cert(
        &self,
        identity: &OperatorIdentity,
        public_key: &impl PublicKeyData,
        validity: Duration,
        now: OffsetDateTime,
    ) -> Result<IssuedCert, CaError> {
        let sans = vec![san_uri(&identity.to_uri())?];
        let eku = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign_leaf(&identity.user, sans, eku, validity, public_key, now)
    }

    /// Signs a workload certificate (ACME): the validated names, a `workload` URI SAN
    /// that no node or operator identity parses as, server and client authentication, and
    /// where to fetch the revocation list.
    pub fn issue_workload_cert(
        &self,
        req: &WorkloadCertRequest,
        public_key: &impl PublicKeyData,
        now: OffsetDateTime,
    ) -> Result<IssuedCert, CaError> {
        let mut sans = dns_sans(&req.dns_names)?;
        sans.extend(req.ips.iter().map(|ip| SanType::IpAddress(*ip)));
        sans.push(san_uri(&p2p_shared::identity::workload_uri(
            &self.cluster_id,
            &req.account_id,
        ))?);
        let eku = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let cn = req
            .dns_names
            .first()
            .cloned()
            .or_else(|| req.ips.first().map(|ip| ip.to_string()))
            .unwrap_or_default();
        let crl = req.crl_url.iter().map(|url| rcgen::CrlDistributionPoint {
            uris: vec![url.clone()],
        });
        self.sign_leaf_with(&cn, sans, eku, req.validity, public_key, now, crl.collect())
    }

    fn sign_leaf(
        &self,
        common_name: &str,
        sans: Vec<SanType>,
        eku: Vec<ExtendedKeyUsagePurpose>,
        validity: Duration,
        public_key: &impl PublicKeyData,
        now: OffsetDateTime,
    ) -> Result<IssuedCert, CaError> {
        self.sign_leaf_with(
            common_name,
            sans,
            eku,
            validity,
            public_key,
            now,
            Vec::new(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn sign_leaf_with(
        &self,
        common_name: &str,
        sans: Vec<SanType>,
        eku: Vec<ExtendedKeyUsagePurpose>,
        validity: Duration,
        public_key: &impl PublicKeyData,
        now: OffsetDateTime,
        crl_distribution_points: Vec<rcgen::CrlDistributionPoint>,
    ) -> Result<IssuedCert, CaError> {
        let mut params = CertificateParams::default();
        params.crl_distribution_points = crl_distribution_points;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name.to_string());
        dn.push(
            DnType::OrganizationName,
            format!("p2p-core {}", self.cluster_id),
        );
        params.distinguished_name = dn;
        params.subject_alt_names = sans;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = eku;
        let serial = random_serial();
        let serial_hex = serial_hex(&serial);
        params.serial_number = Some(serial);
        params.not_before = now - BACKDATE;
        params.not_after = now + validity;
        params.use_authority_key_identifier_extension = true;
        let issuer = Issuer::from_ca_cert_der(&self.cert_der, &self.key)?;
        let cert = params.signed_by(public_key, &issuer)?;
        Ok(IssuedCert {
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            serial_hex,
            not_after: params.not_after,
        })
    }
}

impl ClusterCa {
    /// Signs `message` with the CA key (ECDSA P-256, SHA-256, DER): revocation records
    /// that travel by gossip (`gossiped.rs`).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CaError> {
        Ok(rcgen::SigningKey::sign(&self.key, message)?)
    }

    /// A certificate revocation list of `revoked` (serial hex, when revoked), signed by the
    /// CA, DER. Serials that are not hex are left out (every serial the CA made is).
    pub fn sign_crl(
        &self,
        revoked: &[(String, i64)],
        number: u64,
        this_update: OffsetDateTime,
        next_update: OffsetDateTime,
    ) -> Result<Vec<u8>, CaError> {
        let revoked_certs = revoked
            .iter()
            .filter_map(|(serial, at)| {
                Some(rcgen::RevokedCertParams {
                    serial_number: SerialNumber::from_slice(&hex::decode(serial).ok()?),
                    revocation_time: OffsetDateTime::from_unix_timestamp(*at).ok()?,
                    reason_code: None,
                    invalidity_date: None,
                })
            })
            .collect();
        let params = rcgen::CertificateRevocationListParams {
            this_update,
            next_update,
            crl_number: SerialNumber::from(number),
            issuing_distribution_point: None,
            revoked_certs,
            key_identifier_method: rcgen::KeyIdMethod::Sha256,
        };
        let issuer = Issuer::from_ca_cert_der(&self.cert_der, &self.key)?;
        Ok(params.signed_by(&issuer)?.der().to_vec())
    }
}

fn dns_sans(names: &[String]) -> Result<Vec<SanType>, CaError> {
    names
        .iter()
        .map(|name| {
            name.clone()
                .try_into()
                .map(SanType::DnsName)
                .map_err(|_| CaError::BadName(name.clone()))
        })
        .collect()
}

fn san_uri(uri: &str) -> Result<SanType, CaError> {
    let ia5 = uri
        .to_string()
        .try_into()
        .map_err(|_| CaError::BadName(uri.to_string()))?;
    Ok(SanType::URI(ia5))
}

/// The first certificate in a PEM text, as DER.
pub fn pem_to_der(pem: &str) -> Option<CertificateDer<'static>> {
    use rustls_pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes()).ok()
}

/// Facts read back from a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    pub serial_hex: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub ips: Vec<IpAddr>,
    pub dns_names: Vec<String>,
    pub identity: Option<NodeIdentity>,
    /// The certificate gives its node the coordinator role.
    pub coordinator: bool,
}

impl CertInfo {
    pub fn from_der(der: &[u8]) -> Option<Self> {
        use x509_parser::extensions::GeneralName;
        use x509_parser::prelude::{FromDer, X509Certificate};
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let mut ips = Vec::new();
        let mut dns_names = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::IPAddress(b) => match b.len() {
                        4 => ips.push(IpAddr::from(<[u8; 4]>::try_from(*b).ok()?)),
                        16 => ips.push(IpAddr::from(<[u8; 16]>::try_from(*b).ok()?)),
                        _ => {}
                    },
                    GeneralName::DNSName(d) => dns_names.push(d.to_string()),
                    _ => {}
                }
            }
        }
        Some(Self {
            serial_hex: hex::encode(cert.raw_serial()),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            ips,
            dns_names,
            identity: NodeIdentity::from_cert_der(der).ok(),
            coordinator: p2p_shared::identity::names_coordinator(der),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_cert_carries_policy_and_identity() {
        let now = OffsetDateTime::now_utc();
        let ca = ClusterCa::generate("c1", now).unwrap();
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let req = NodeCertRequest {
            node_id: "w1".into(),
            ips: vec![IpAddr::from([127, 0, 0, 5])],
            dns_names: vec!["w1.example".into()],
            validity: Duration::from_secs(90 * 86400),
            coordinator: false,
        };
        let a = ca.issue_node_cert(&req, &key, now).unwrap();
        let b = ca.issue_node_cert(&req, &key, now).unwrap();
        assert_ne!(
            a.serial_hex, b.serial_hex,
            "serials must be random, not key-derived"
        );
        assert_eq!(a.serial_hex.len(), 32);
        let info = CertInfo::from_der(&a.cert_der).unwrap();
        assert_eq!(info.serial_hex, a.serial_hex);
        assert_eq!(info.identity, Some(NodeIdentity::new("c1", "w1")));
        assert_eq!(info.ips, req.ips);
        assert_eq!(info.dns_names, req.dns_names);
        let life = info.not_after - info.not_before;
        assert!((life.whole_days() - 90).abs() <= 1, "{life}");
    }

    #[test]
    fn ca_round_trips_through_pem() {
        let now = OffsetDateTime::now_utc();
        let ca = ClusterCa::generate("c1", now).unwrap();
        let again = ClusterCa::from_pem("c1", ca.cert_pem(), &ca.key_pem()).unwrap();
        assert_eq!(again.fingerprint(), ca.fingerprint());
        let info = CertInfo::from_der(ca.cert_der()).unwrap();
        assert!((info.not_after - now).whole_days() >= 3649);
    }
}
