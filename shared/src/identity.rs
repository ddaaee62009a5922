//! Certificate identities. A node certificate carries the URI SAN
//! `spiffe://<cluster_id>/node/<node_id>`, and a coordinator's also
//! `spiffe://<cluster_id>/coordinator/<node_id>` (its role, set by the CA's policy); an
//! operator certificate carries `spiffe://<cluster_id>/user/<role>/<name>`. Authorisation
//! decisions use these, never IP or DNS SANs.

use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::api::Role;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeIdentity {
    pub cluster_id: String,
    pub node_id: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("certificate could not be parsed")]
    BadCertificate,
    #[error("certificate has no p2p node identity (URI SAN spiffe://<cluster>/node/<id>)")]
    Missing,
    #[error("invalid node identity URI `{0}`")]
    BadUri(String),
    #[error("a workload certificate (issued through ACME) is not a node or operator identity")]
    Workload,
}

/// The URI SAN that marks a workload certificate, issued through ACME to `account`.
pub fn workload_uri(cluster_id: &str, account: &str) -> String {
    format!("{SCHEME}{cluster_id}/workload/{account}")
}

const SCHEME: &str = "spiffe://";

impl NodeIdentity {
    pub fn new(cluster_id: impl Into<String>, node_id: impl Into<String>) -> Self {
        Self {
            cluster_id: cluster_id.into(),
            node_id: node_id.into(),
        }
    }

    pub fn to_uri(&self) -> String {
        format!("{SCHEME}{}/node/{}", self.cluster_id, self.node_id)
    }

    /// The URI SAN that gives this node the coordinator role.
    pub fn coordinator_uri(&self) -> String {
        format!("{SCHEME}{}/coordinator/{}", self.cluster_id, self.node_id)
    }

    pub fn parse_uri(uri: &str) -> Result<Self, IdentityError> {
        let bad = || IdentityError::BadUri(uri.to_string());
        let rest = uri.strip_prefix(SCHEME).ok_or_else(bad)?;
        let (cluster, node) = rest.split_once("/node/").ok_or_else(bad)?;
        if !is_valid_name(cluster) || !is_valid_name(node) {
            return Err(bad());
        }
        Ok(Self::new(cluster, node))
    }

    /// Reads the node identity from a DER certificate's URI SANs.
    pub fn from_cert_der(der: &[u8]) -> Result<Self, IdentityError> {
        match Principal::from_cert_der(der)? {
            Principal::Node(n) => Ok(n),
            Principal::Operator(_) => Err(IdentityError::Missing),
        }
    }
}

/// An operator identity carried by a client certificate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperatorIdentity {
    pub cluster_id: String,
    pub user: String,
    pub role: Role,
}

impl OperatorIdentity {
    pub fn to_uri(&self) -> String {
        format!(
            "{SCHEME}{}/user/{}/{}",
            self.cluster_id, self.role, self.user
        )
    }

    pub fn parse_uri(uri: &str) -> Result<Self, IdentityError> {
        let bad = || IdentityError::BadUri(uri.to_string());
        let rest = uri.strip_prefix(SCHEME).ok_or_else(bad)?;
        let (cluster, rest) = rest.split_once("/user/").ok_or_else(bad)?;
        let (role_text, user) = rest.split_once('/').ok_or_else(bad)?;
        let role = Role::ALL
            .into_iter()
            .find(|r| r.as_str() == role_text)
            .ok_or_else(bad)?;
        if !is_valid_name(cluster) || !is_valid_name(user) {
            return Err(bad());
        }
        Ok(Self {
            cluster_id: cluster.to_string(),
            user: user.to_string(),
            role,
        })
    }
}

/// Whoever a certificate of the cluster CA names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    Node(NodeIdentity),
    Operator(OperatorIdentity),
}

impl Principal {
    pub fn cluster_id(&self) -> &str {
        match self {
            Principal::Node(n) => &n.cluster_id,
            Principal::Operator(o) => &o.cluster_id,
        }
    }

    pub fn parse_uri(uri: &str) -> Result<Self, IdentityError> {
        let rest = uri
            .strip_prefix(SCHEME)
            .ok_or_else(|| IdentityError::BadUri(uri.to_string()))?;
        if rest.contains("/workload/") {
            return Err(IdentityError::Workload);
        }
        if rest.contains("/user/") {
            OperatorIdentity::parse_uri(uri).map(Principal::Operator)
        } else {
            NodeIdentity::parse_uri(uri).map(Principal::Node)
        }
    }

    /// Reads the identity from a DER certificate's first `spiffe://` URI SAN.
    pub fn from_cert_der(der: &[u8]) -> Result<Self, IdentityError> {
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|_| IdentityError::BadCertificate)?;
        let sans = cert
            .subject_alternative_name()
            .map_err(|_| IdentityError::BadCertificate)?
            .ok_or(IdentityError::Missing)?;
        let uris = || {
            sans.value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::URI(uri) if uri.starts_with(SCHEME) => Some(*uri),
                    _ => None,
                })
        };
        // A workload mark anywhere outweighs any other name the certificate carries.
        if uris().any(|u| matches!(Self::parse_uri(u), Err(IdentityError::Workload))) {
            return Err(IdentityError::Workload);
        }
        sans.value
            .general_names
            .iter()
            .find_map(|name| match name {
                GeneralName::URI(uri) if uri.starts_with(SCHEME) => Some(Self::parse_uri(uri)),
                _ => None,
            })
            .unwrap_or(Err(IdentityError::Missing))
    }
}

/// Whether a DER certificate names its node a coordinator: it carries the coordinator URI
/// SAN for the same cluster and node as its node identity.
pub fn names_coordinator(der: &[u8]) -> bool {
    let Ok(node) = NodeIdentity::from_cert_der(der) else {
        return false;
    };
    let wanted = node.coordinator_uri();
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return false;
    };
    let Ok(Some(sans)) = cert.subject_alternative_name() else {
        return false;
    };
    sans.value
        .general_names
        .iter()
        .any(|n| matches!(n, GeneralName::URI(uri) if *uri == wanted))
}

/// Node ids and cluster ids: 1-63 characters of `[a-z0-9-_.]`, starting alphanumeric, so
/// they are safe in URIs, file names and DNS labels alike.
pub fn is_valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// The validity (`not_before`, `not_after`, Unix seconds) of the first certificate in
/// `pem`, if it parses.
pub fn pem_validity(pem: &str) -> Option<(i64, i64)> {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).ok()?;
    let cert = block.parse_x509().ok()?;
    let v = cert.validity();
    Some((v.not_before.timestamp(), v.not_after.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_round_trip() {
        let id = NodeIdentity::new("c0ffee", "w1");
        assert_eq!(id.to_uri(), "spiffe://c0ffee/node/w1");
        assert_eq!(NodeIdentity::parse_uri(&id.to_uri()), Ok(id));
    }

    #[test]
    fn rejects_malformed_uris() {
        for uri in [
            "https://c/node/w1",
            "spiffe://c/service/w1",
            "spiffe://c/node/",
            "spiffe://c/node/W1",
            "spiffe://c/node/a/b",
        ] {
            assert!(NodeIdentity::parse_uri(uri).is_err(), "{uri} accepted");
        }
    }

    #[test]
    fn operator_uris() {
        let op = OperatorIdentity {
            cluster_id: "c0ffee".into(),
            user: "ci-bot".into(),
            role: Role::Operator,
        };
        assert_eq!(op.to_uri(), "spiffe://c0ffee/user/operator/ci-bot");
        assert_eq!(
            Principal::parse_uri(&op.to_uri()),
            Ok(Principal::Operator(op))
        );
        for uri in [
            "spiffe://c/user/root/x",
            "spiffe://c/user/admin/",
            "spiffe://c/user/admin/a/b",
            "spiffe://c/user/Admin/x",
        ] {
            assert!(Principal::parse_uri(uri).is_err(), "{uri} accepted");
        }
        assert!(matches!(
            Principal::parse_uri("spiffe://c/node/w1"),
            Ok(Principal::Node(_))
        ));
    }

    #[test]
    fn name_rules() {
        assert!(is_valid_name("coord-1"));
        assert!(is_valid_name("w1.eu"));
        assert!(!is_valid_name("-x"));
        assert!(!is_valid_name("Upper"));
        assert!(!is_valid_name(&"a".repeat(64)));
    }
}
