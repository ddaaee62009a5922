//! How a value is stored in the shared cache (Redis): the cluster it belongs to, the
//! epoch of what it depends on, when it was written, and the payload encrypted with
//! AES-256-GCM under a key only the coordinators can compute, bound (as associated data)
//! to that header and to the place it is stored under. Redis so learns nothing of an
//! answer (a command line can carry secrets), and anyone who can write to it cannot feed a
//! coordinator one: a value of another cluster, one copied from another key, or bytes that
//! are not ours are refused.
//!
//! `magic (4) | format (1) | id length (1) | cluster id | epoch (8) | written at, ms (8) |
//! salt (16) | ciphertext and tag`. Each value is encrypted under its own key,
//! HMAC-SHA256(cluster key, salt), so the fixed nonce never repeats under a key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const MAGIC: &[u8; 4] = b"p2l2";
const FORMAT: u8 = 2;
const SALT: usize = 16;
const TAG: usize = 16;
/// Bounds a payload (answers are a few kilobytes; more means a corrupt length).
pub const MAX_PAYLOAD: usize = 4 * 1024 * 1024;

/// A value read back and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub epoch: u64,
    pub written_at_ms: i64,
    pub payload: Vec<u8>,
}

/// Why a stored value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not a value of this format")]
    Malformed,
    #[error("a value of cluster `{0}`")]
    ForeignCluster(String),
    #[error("not sealed for this place by this cluster's coordinators")]
    NotOurs,
}

/// Seals and opens values for one cluster with the coordinators' shared key.
pub struct Sealer {
    cluster_id: String,
    /// Keyed once; cloned to derive each value's key.
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("cluster_id", &self.cluster_id)
            .finish_non_exhaustive()
    }
}

fn aad(place: &str, header: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(place.len() + 1 + header.len());
    aad.extend_from_slice(place.as_bytes());
    aad.push(0);
    aad.extend_from_slice(header);
    aad
}

impl Sealer {
    pub fn new(cluster_id: &str, key: &[u8; 32]) -> Result<Self, hmac::digest::InvalidLength> {
        Ok(Self {
            cluster_id: cluster_id.to_string(),
            keyed: <Hmac<Sha256> as Mac>::new_from_slice(key)?,
        })
    }

    fn cipher(&self, salt: &[u8]) -> Option<Aes256Gcm> {
        let mut mac = self.keyed.clone();
        mac.update(salt);
        let mut key = zeroize::Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&mac.finalize().into_bytes());
        Aes256Gcm::new_from_slice(&*key).ok()
    }

    /// `payload`, for storing under `place` (the key and field it goes to); `None` only if
    /// the cipher refuses (it does not for payloads within `MAX_PAYLOAD`).
    pub fn seal(
        &self,
        place: &str,
        epoch: u64,
        written_at_ms: i64,
        payload: &[u8],
    ) -> Option<Vec<u8>> {
        let id = self.cluster_id.as_bytes();
        if id.len() > 255 || payload.len() > MAX_PAYLOAD {
            return None;
        }
        let salt: [u8; SALT] = rand::random();
        let mut out = Vec::with_capacity(4 + 2 + id.len() + 16 + SALT + payload.len() + TAG);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT);
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&epoch.to_be_bytes());
        out.extend_from_slice(&written_at_ms.to_be_bytes());
        out.extend_from_slice(&salt);
        let sealed = self.cipher(&salt)?.encrypt(
            Nonce::from_slice(&[0; 12]),
            Payload {
                msg: payload,
                aad: &aad(place, &out),
            },
        );
        out.extend_from_slice(&sealed.ok()?);
        Some(out)
    }

    /// Checks and decrypts a value read from `place`.
    pub fn open(&self, place: &str, bytes: &[u8]) -> Result<Opened, Refused> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC || r.take(1)? != [FORMAT] {
            return Err(Refused::Malformed);
        }
        let id_len = usize::from(r.take(1)?[0]);
        let id = r.take(id_len)?;
        let epoch = u64::from_be_bytes(r.array()?);
        let written_at_ms = i64::from_be_bytes(r.array()?);
        let salt = r.take(SALT)?;
        let body = r.0;
        if body.len() < TAG || body.len() > MAX_PAYLOAD + TAG {
            return Err(Refused::Malformed);
        }
        if id != self.cluster_id.as_bytes() {
            return Err(Refused::ForeignCluster(
                String::from_utf8_lossy(id).into_owned(),
            ));
        }
        let header = &bytes[..bytes.len() - body.len()];
        let payload = self
            .cipher(salt)
            .ok_or(Refused::NotOurs)?
            .decrypt(
                Nonce::from_slice(&[0; 12]),
                Payload {
                    msg: body,
                    aad: &aad(place, header),
                },
            )
            .map_err(|_| Refused::NotOurs)?;
        Ok(Opened {
            epoch,
            written_at_ms,
            payload,
        })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Refused> {
        if self.0.len() < n {
            return Err(Refused::Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Refused> {
        self.take(N)?.try_into().map_err(|_| Refused::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(cluster: &str, key: u8) -> Sealer {
        Sealer::new(cluster, &[key; 32]).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_where_it_was_stored_in_its_own_cluster() {
        let ours = sealer("c1", 7);
        let sealed = ours.seal("svc:web|*", 3, 1_000, b"answer").unwrap();
        assert!(
            !sealed.windows(6).any(|w| w == b"answer"),
            "Redis never sees the answer in the clear"
        );
        assert_eq!(
            ours.open("svc:web|*", &sealed),
            Ok(Opened {
                epoch: 3,
                written_at_ms: 1_000,
                payload: b"answer".to_vec()
            })
        );
        // Copied to another key: refused.
        assert_eq!(ours.open("svc:api|*", &sealed), Err(Refused::NotOurs));
        // Another cluster's value, even stored under our key.
        let theirs = sealer("c2", 7)
            .seal("svc:web|*", 3, 1_000, b"answer")
            .unwrap();
        assert_eq!(
            ours.open("svc:web|*", &theirs),
            Err(Refused::ForeignCluster("c2".into()))
        );
        // Same cluster id, another key (not a coordinator of ours).
        let forged = sealer("c1", 8)
            .seal("svc:web|*", 3, 1_000, b"answer")
            .unwrap();
        assert_eq!(ours.open("svc:web|*", &forged), Err(Refused::NotOurs));
        // Any bit flipped.
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(ours.open("svc:web|*", &bad).is_err(), "byte {i}");
        }
    }

    #[test]
    fn garbage_and_truncations_are_malformed_never_a_panic() {
        let ours = sealer("c1", 7);
        let sealed = ours.seal("k", 1, 2, b"xyz").unwrap();
        for n in 0..sealed.len() {
            assert!(ours.open("k", &sealed[..n]).is_err(), "prefix {n}");
        }
        assert_eq!(ours.open("k", b"hello world"), Err(Refused::Malformed));
        let mut long = sealed.clone();
        long.push(0);
        assert_eq!(ours.open("k", &long), Err(Refused::NotOurs));
        // The epoch or time moved by someone without the key.
        let mut moved = sealed.clone();
        moved[4 + 2 + 2 + 7] ^= 1;
        assert_eq!(ours.open("k", &moved), Err(Refused::NotOurs));
    }
}
