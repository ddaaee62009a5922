//! Revocation records that travel by gossip: the latest revocations, signed by the cluster
//! CA, published by each coordinator as its gossip metadata. Gossip carries a member's
//! metadata through every member, so a worker that cannot reach any coordinator still
//! hears of a revocation from one that has. The signature is what counts: a holder of only
//! the gossip key cannot forge a record, and one that does not verify is ignored. The
//! long-poll (`revocations.rs`) stays the complete list; a record names only the most
//! recent [`MAX_SERIALS`]. Pure: encoding and verification.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use super::ca::{CaError, ClusterCa};

/// The gossip metadata key coordinators publish the record under.
pub const META_KEY: &str = "revocations";
/// Serials a record names at most: about 650 bytes, so the record rides in one gossip
/// datagram (1350 bytes) beside other news instead of waiting for a push-pull.
pub const MAX_SERIALS: usize = 16;
/// A serial is at most 20 bytes (RFC 5280), 40 hex digits.
const MAX_SERIAL_HEX: usize = 40;
const DOMAIN: &str = "p2p-core revocations v1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The store's revocation version when it was signed.
    pub version: u64,
    pub serials: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not a revocation record")]
    Malformed,
    #[error("the signature is not the cluster CA's")]
    BadSignature,
}

fn message(cluster_id: &str, version: u64, serials: &str) -> Vec<u8> {
    format!("{DOMAIN}\n{cluster_id}\n{version}\n{serials}").into_bytes()
}

/// `version;serial,serial,...;signature` with the CA's signature over the cluster id too,
/// so a record of another cluster does not verify here.
pub fn seal(ca: &ClusterCa, record: &Record) -> Result<String, CaError> {
    let serials = record.serials.join(",");
    let sig = ca.sign(&message(ca.cluster_id(), record.version, &serials))?;
    Ok(format!("{};{serials};{}", record.version, B64.encode(sig)))
}

/// Checks a record against the CA certificate `ca_der` (P-256, as every cluster CA is).
pub fn open(text: &str, cluster_id: &str, ca_der: &[u8]) -> Result<Record, RecordError> {
    use x509_parser::prelude::FromDer;
    let mut parts = text.split(';');
    let (Some(version), Some(serials), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RecordError::Malformed);
    };
    let version: u64 = version.parse().map_err(|_| RecordError::Malformed)?;
    let list: Vec<String> = if serials.is_empty() {
        Vec::new()
    } else {
        serials.split(',').map(str::to_string).collect()
    };
    let well_formed = list.len() <= MAX_SERIALS
        && list.iter().all(|s| {
            !s.is_empty() && s.len() <= MAX_SERIAL_HEX && s.bytes().all(|b| b.is_ascii_hexdigit())
        });
    if !well_formed {
        return Err(RecordError::Malformed);
    }
    let sig = B64.decode(sig).map_err(|_| RecordError::Malformed)?;
    let (_, ca) = x509_parser::certificate::X509Certificate::from_der(ca_der)
        .map_err(|_| RecordError::BadSignature)?;
    let key = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1,
        ca.public_key().subject_public_key.data.as_ref(),
    );
    key.verify(&message(cluster_id, version, serials), &sig)
        .map_err(|_| RecordError::BadSignature)?;
    Ok(Record {
        version,
        serials: list,
    })
}

/// Serials a worker learned by gossip, newest last, at most [`MAX_LEARNED`]: the long-poll
/// keeps them when it replaces the list with an answer that predates them.
#[derive(Debug, Default)]
pub struct Learned(Mutex<(HashSet<String>, VecDeque<String>)>);

pub const MAX_LEARNED: usize = 4096;

impl Learned {
    /// Adds `serials`; answers those it did not hold.
    pub fn add(&self, serials: &[String]) -> Vec<String> {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        let mut new = Vec::new();
        for s in serials {
            if set.insert(s.clone()) {
                order.push_back(s.clone());
                new.push(s.clone());
            }
        }
        while order.len() > MAX_LEARNED {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        new
    }

    pub fn all(&self) -> HashSet<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca(name: &str) -> ClusterCa {
        ClusterCa::generate(name, time::OffsetDateTime::now_utc()).unwrap()
    }

    #[test]
    fn a_record_verifies_only_against_its_own_cluster_ca() {
        let ours = ca("c1");
        let record = Record {
            version: 7,
            serials: vec!["0a1b".into(), "ff00".into()],
        };
        let text = seal(&ours, &record).unwrap();
        assert_eq!(open(&text, "c1", ours.cert_der()).unwrap(), record);

        // Signed by another key: a forged record, ignored.
        let forger = ca("c1");
        let forged = seal(&forger, &record).unwrap();
        assert_eq!(
            open(&forged, "c1", ours.cert_der()),
            Err(RecordError::BadSignature)
        );
        // Our CA, another cluster's name in the message.
        assert_eq!(
            open(&text, "c2", ours.cert_der()),
            Err(RecordError::BadSignature)
        );
        // A serial added or the version moved after signing.
        let (v, rest) = text.split_once(';').unwrap();
        let added = format!("{v};0a1b,ff00,beef;{}", rest.rsplit_once(';').unwrap().1);
        assert_eq!(
            open(&added, "c1", ours.cert_der()),
            Err(RecordError::BadSignature)
        );
        let moved = format!("8;{rest}");
        assert_eq!(
            open(&moved, "c1", ours.cert_der()),
            Err(RecordError::BadSignature)
        );
        for junk in ["", "1;2", "x;;AA", "1;zz;AA", "1;ab;AA;more"] {
            assert_eq!(
                open(junk, "c1", ours.cert_der()),
                Err(RecordError::Malformed),
                "{junk}"
            );
        }
        let empty = seal(
            &ours,
            &Record {
                version: 0,
                serials: vec![],
            },
        )
        .unwrap();
        assert!(
            open(&empty, "c1", ours.cert_der())
                .unwrap()
                .serials
                .is_empty()
        );
    }

    #[test]
    fn learned_serials_are_bounded() {
        let learned = Learned::default();
        assert_eq!(learned.add(&["a".into(), "b".into()]), vec!["a", "b"]);
        assert_eq!(learned.add(&["b".into(), "c".into()]), vec!["c"]);
        let many: Vec<String> = (0..MAX_LEARNED + 5).map(|i| format!("{i:x}")).collect();
        learned.add(&many);
        let all = learned.all();
        assert_eq!(all.len(), MAX_LEARNED);
        assert!(!all.contains("a"), "the oldest went first");
    }
}
